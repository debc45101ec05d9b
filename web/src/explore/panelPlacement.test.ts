import { describe, expect, it } from 'vitest';
import type { DashboardDocument } from '../api/documentTypes';
import type { Panel } from '../api/types';
import { firstFreeSpot, newDashboardUid, newQueryDashboard, titleOf, withQueryPanel } from './panelPlacement';

function panel(id: number, x: number, y: number, w: number, h: number, extra: Partial<Panel> = {}): Panel {
  return { id, type: 'stat', gridPos: { x, y, w, h }, ...extra };
}

describe('first free grid spot', () => {
  it('is the top left of an empty dashboard', () => {
    expect(firstFreeSpot([])).toEqual({ x: 0, y: 0, w: 12, h: 8 });
  });

  it('fills a gap beside a panel', () => {
    expect(firstFreeSpot([panel(1, 0, 0, 12, 8)])).toEqual({ x: 12, y: 0, w: 12, h: 8 });
  });

  it('goes below when no gap is wide enough', () => {
    // Below the short panel (y=4) only 8 columns are free beside the tall one.
    expect(firstFreeSpot([panel(1, 0, 0, 8, 4), panel(2, 8, 0, 16, 6)])).toEqual({ x: 0, y: 6, w: 12, h: 8 });
  });

  it('needs the whole height free', () => {
    // Right half free at y=0 only for 3 rows (a panel at y=3): the spot is below it.
    const panels = [panel(1, 0, 0, 12, 20), panel(2, 12, 3, 12, 5)];
    expect(firstFreeSpot(panels)).toEqual({ x: 12, y: 8, w: 12, h: 8 });
  });

  it("ignores a collapsed row's own panels", () => {
    const row = panel(1, 0, 0, 24, 1, { type: 'row', collapsed: true, panels: [panel(2, 0, 1, 24, 8)] });
    expect(firstFreeSpot([row])).toEqual({ x: 0, y: 1, w: 12, h: 8 });
  });
});

describe('adding a query panel', () => {
  const dashboard: DashboardDocument = {
    uid: 'ops',
    title: 'Ops',
    time: { from: 'now-6h', to: 'now' },
    version: 4,
    panels: [
      panel(3, 0, 0, 24, 6),
      panel(7, 0, 6, 24, 1, { type: 'row', collapsed: true, panels: [panel(9, 0, 7, 12, 8)] }),
    ],
  };

  it('appends a time series panel with a new id and keeps the rest as it was', () => {
    const changed = withQueryPanel(dashboard, 'rate(x[5m])');
    expect(changed.version).toBe(4);
    expect(changed.panels.slice(0, 2)).toEqual(dashboard.panels);
    expect(changed.panels[2]).toEqual({
      id: 10,
      type: 'timeseries',
      title: 'rate(x[5m])',
      gridPos: { x: 0, y: 7, w: 12, h: 8 },
      targets: [{ refId: 'A', expr: 'rate(x[5m])' }],
    });
  });

  it('titles a panel with its query on one line, shortened', () => {
    expect(titleOf('sum(\n  rate(x[5m])\n)')).toBe('sum( rate(x[5m]) )');
    const long = titleOf(`sum(${'a'.repeat(100)})`);
    expect(long).toHaveLength(60);
    expect(long.endsWith('…')).toBe(true);
  });

  it('makes uids the server accepts', () => {
    const uid = newDashboardUid('Checkout — p99 latency (EU)!', () => 0.5);
    expect(uid).toBe('checkout-p99-latency-eu-iiiiii');
    expect(newDashboardUid('???', () => 0)).toBe('explore-000000');
    expect(newDashboardUid('x'.repeat(80))).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });

  it('creates a dashboard holding just the panel', () => {
    const created = newQueryDashboard(' My queries ', 'up', { from: 'now-1h', to: 'now' });
    expect(created.title).toBe('My queries');
    expect(created.uid).toMatch(/^my-queries-[a-z0-9]{6}$/);
    expect(created.panels).toHaveLength(1);
    expect(created.panels[0]?.gridPos).toEqual({ x: 0, y: 0, w: 12, h: 8 });
  });
});
