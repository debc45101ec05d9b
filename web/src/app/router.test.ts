import { describe, expect, it } from 'vitest';
import { matchRoute } from './router';

describe('matchRoute', () => {
  it('finds the screens by path', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/explore')).toEqual({ name: 'explore' });
    expect(matchRoute('/alerting/')).toEqual({ name: 'alerting' });
    expect(matchRoute('/settings')).toEqual({ name: 'settings' });
    expect(matchRoute('/notifications')).toEqual({ name: 'notifications' });
  });

  it('reads the dashboard uid, with or without a Grafana-style slug', () => {
    expect(matchRoute('/d/operations')).toEqual({ name: 'dashboard', uid: 'operations' });
    expect(matchRoute('/d/abc-1/my-dashboard')).toEqual({ name: 'dashboard', uid: 'abc-1' });
    expect(matchRoute('/d/a%20b')).toEqual({ name: 'dashboard', uid: 'a b' });
  });

  it('names what it does not know', () => {
    expect(matchRoute('/nope')).toEqual({ name: 'notFound', path: '/nope' });
    expect(matchRoute('/d/')).toEqual({ name: 'notFound', path: '/d' });
  });
});
