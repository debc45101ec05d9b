import { describe, expect, it } from 'vitest';
import type { DashboardDocument, PanelDocument } from '../api/documentTypes';
import {
  addPanel,
  addRow,
  compacted,
  duplicatePanel,
  findPanel,
  layoutOf,
  nextPanelId,
  removePanel,
  replacePanel,
  setRowCollapsed,
  withLayout,
} from './dashboardEdits';
import { overlaps } from './gridLayout';

const panel = (id: number, x: number, y: number, w: number, h: number, type = 'stat'): PanelDocument => ({
  id,
  type,
  title: `Panel ${id}`,
  gridPos: { x, y, w, h },
  targets: [{ refId: 'A', expr: `metric_${id}` }],
});

const row = (id: number, y: number, members: PanelDocument[] = []): PanelDocument => ({
  id,
  type: 'row',
  title: `Row ${id}`,
  gridPos: { x: 0, y, w: 24, h: 1 },
  collapsed: members.length > 0,
  panels: members,
});

const dashboard = (panels: PanelDocument[]): DashboardDocument => ({
  uid: 'd',
  title: 'D',
  time: { from: 'now-6h', to: 'now' },
  panels,
  version: 3,
});

function valid(document: DashboardDocument): boolean {
  const boxes = layoutOf(document);
  return boxes.every((a, i) => a.x + a.w <= 24 && boxes.every((b, j) => i === j || !overlaps(a, b)));
}

describe('layout', () => {
  it('writes the grid into gridPos and lists panels in reading order', () => {
    const doc = dashboard([panel(1, 0, 0, 12, 4), panel(2, 12, 0, 12, 4)]);
    const moved = withLayout(doc, [
      { id: 1, x: 0, y: 4, w: 12, h: 4 },
      { id: 2, x: 0, y: 0, w: 12, h: 4 },
    ]);
    expect(moved.panels.map((p) => [p.id, p.gridPos.y])).toEqual([
      [2, 0],
      [1, 4],
    ]);
    expect(doc.panels[0]!.gridPos.y).toBe(0); // the original is left as it was
  });

  it('applies gravity to a document with gaps', () => {
    const doc = compacted(dashboard([panel(1, 0, 5, 12, 4)]));
    expect(doc.panels[0]!.gridPos).toEqual({ x: 0, y: 0, w: 12, h: 4 });
  });
});

describe('adding, duplicating and removing panels', () => {
  it('adds a panel with one empty query in the first free place, with a new id', () => {
    const doc = dashboard([panel(1, 0, 0, 12, 8), row(5, 8, [panel(7, 0, 9, 24, 4)])]);
    expect(nextPanelId(doc)).toBe(8); // ids of a collapsed row's panels are taken too
    const { dashboard: added, id } = addPanel(doc);
    expect(id).toBe(8);
    expect(findPanel(added, 8)).toMatchObject({ type: 'timeseries', gridPos: { x: 12, y: 0, w: 12, h: 8 } });
    expect(findPanel(added, 8)!.targets).toEqual([{ refId: 'A', expr: '' }]);
    expect(valid(added)).toBe(true);
  });

  it('duplicates beside the panel when it fits, else under it, pushing the rest down', () => {
    const beside = duplicatePanel(dashboard([panel(1, 0, 0, 8, 4)]), 1)!;
    expect(findPanel(beside.dashboard, beside.id)!.gridPos).toEqual({ x: 8, y: 0, w: 8, h: 4 });
    const full = dashboard([panel(1, 0, 0, 12, 4), panel(2, 12, 0, 12, 4), panel(3, 0, 4, 24, 6)]);
    const under = duplicatePanel(full, 1)!;
    expect(findPanel(under.dashboard, under.id)).toMatchObject({
      title: 'Panel 1',
      gridPos: { x: 0, y: 4, w: 12, h: 4 },
      targets: [{ refId: 'A', expr: 'metric_1' }],
    });
    expect(findPanel(under.dashboard, 3)!.gridPos.y).toBe(8);
    expect(valid(under.dashboard)).toBe(true);
  });

  it('duplicates a deep copy: editing the copy leaves the original alone', () => {
    const doc = dashboard([panel(1, 0, 0, 8, 4)]);
    const { dashboard: copied, id } = duplicatePanel(doc, 1)!;
    findPanel(copied, id)!.targets![0]!.expr = 'changed';
    expect(findPanel(copied, 1)!.targets![0]!.expr).toBe('metric_1');
  });

  it('removes a panel and lets the ones below rise', () => {
    const doc = dashboard([panel(1, 0, 0, 24, 4), panel(2, 0, 4, 24, 4)]);
    const removed = removePanel(doc, 1);
    expect(removed.panels.map((p) => [p.id, p.gridPos.y])).toEqual([[2, 0]]);
  });

  it('replaces a panel inside a collapsed row too', () => {
    const doc = dashboard([row(5, 0, [panel(7, 0, 1, 24, 4)])]);
    const changed = replacePanel(doc, { ...panel(7, 0, 1, 24, 4), title: 'Renamed' });
    expect(findPanel(changed, 7)!.title).toBe('Renamed');
  });
});

describe('rows', () => {
  it('adds an expanded row under everything', () => {
    const { dashboard: added, id } = addRow(dashboard([panel(1, 0, 0, 24, 4)]));
    expect(findPanel(added, id)).toMatchObject({
      type: 'row',
      collapsed: false,
      gridPos: { x: 0, y: 4, w: 24, h: 1 },
    });
  });

  it('folds the panels up to the next row into a collapsed row, and unfolds them back', () => {
    const doc = dashboard([
      row(10, 0),
      panel(1, 0, 1, 12, 4),
      panel(2, 12, 1, 12, 6),
      row(11, 7),
      panel(3, 0, 8, 24, 4),
    ]);
    const collapsed = setRowCollapsed(doc, 10, true);
    expect(collapsed.panels.map((p) => [p.id, p.gridPos.y])).toEqual([
      [10, 0],
      [11, 1],
      [3, 2],
    ]);
    expect(findPanel(collapsed, 10)!.panels!.map((p) => p.id)).toEqual([1, 2]);
    const expanded = setRowCollapsed(collapsed, 10, false);
    expect(expanded.panels.map((p) => [p.id, p.gridPos.y])).toEqual([
      [10, 0],
      [1, 1],
      [2, 1],
      [11, 7],
      [3, 8],
    ]);
    expect(findPanel(expanded, 10)).toMatchObject({ collapsed: false, panels: [] });
    expect(valid(expanded)).toBe(true);
  });
});
