import { describe, expect, it } from 'vitest';
import { withVisit, type RecentDashboard } from './recent';

const item = (uid: string): RecentDashboard => ({ uid, title: uid, folder: '', tags: [], url: `/d/${uid}` });

describe('recent dashboards', () => {
  it('puts the visited one first without repeating it', () => {
    const recent = [item('a'), item('b'), item('c')];
    expect(withVisit(recent, item('b')).map((entry) => entry.uid)).toEqual(['b', 'a', 'c']);
  });

  it('keeps the eight newest', () => {
    const recent = 'abcdefgh'.split('').map(item);
    const next = withVisit(recent, item('z'));
    expect(next.map((entry) => entry.uid)).toEqual(['z', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });
});
