import { describe, expect, it } from 'vitest';
import { buildSearch, parseUrlState, viewState } from './urlState';

const DEFAULTS = { time: { from: 'now-6h', to: 'now' }, refresh: '30s' };

describe('dashboard URL state', () => {
  it('reads range, variables (repeated for several values), refresh and live', () => {
    expect(
      parseUrlState('?from=now-1h&to=now&var-job=api&var-job=web&var-env=prod&refresh=10s&live=1'),
    ).toEqual({
      range: { from: 'now-1h', to: 'now' },
      vars: { job: ['api', 'web'], env: ['prod'] },
      refresh: '10s',
      live: true,
    });
  });

  it('reads an explicit "refresh=off" as off, and a missing one as the default', () => {
    expect(parseUrlState('?refresh=off').refresh).toBe('');
    expect(parseUrlState('').refresh).toBeUndefined();
    expect(viewState(parseUrlState(''), DEFAULTS).refresh).toBe('30s');
    expect(viewState(parseUrlState('?refresh=off'), DEFAULTS).refresh).toBe('');
  });

  it("falls back to the dashboard's range when the URL has only one end", () => {
    expect(viewState(parseUrlState('?from=now-1h'), DEFAULTS).range).toEqual(DEFAULTS.time);
  });

  it('writes nothing for a view that is the dashboard as saved', () => {
    expect(buildSearch(viewState(parseUrlState(''), DEFAULTS), DEFAULTS)).toBe('');
  });

  it('writes what differs, variables in a stable order', () => {
    const search = buildSearch(
      {
        range: { from: '1700000000000', to: '1700003600000' },
        vars: { b: ['2'], a: ['1', '$__all'] },
        refresh: '',
        live: true,
      },
      DEFAULTS,
    );
    expect(search).toBe(
      '?from=1700000000000&to=1700003600000&var-a=1&var-a=%24__all&var-b=2&refresh=off&live=1',
    );
  });

  it('reads back what it writes', () => {
    const view = {
      range: { from: 'now-7d', to: 'now' },
      vars: { job: ['a b', 'c&d'] },
      refresh: '1m',
      live: false,
    };
    expect(viewState(parseUrlState(buildSearch(view, DEFAULTS)), DEFAULTS)).toEqual(view);
  });

  it('carries the panel shown alone, and ignores a viewPanel that is not an id', () => {
    const view = { ...viewState(parseUrlState('?viewPanel=12'), DEFAULTS) };
    expect(view.viewPanel).toBe(12);
    expect(buildSearch(view, DEFAULTS)).toBe('?viewPanel=12');
    expect(parseUrlState('?viewPanel=').viewPanel).toBeUndefined();
    expect(parseUrlState('?viewPanel=x1').viewPanel).toBeUndefined();
  });
});
