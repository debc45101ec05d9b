// Changes to a dashboard document's panels: add, duplicate, remove, rows, and layouts from the
// grid. Pure: each returns a new document and leaves the one it was given as it was.

import type { DashboardDocument, PanelDocument } from '../api/documentTypes';
import { COLUMNS, bottom, compact, freeSpot, overlaps, placeBox, type Box } from './gridLayout';

/** Grafana's size for a new panel: half the width, eight rows. */
export const NEW_PANEL_SIZE = { w: 12, h: 8 };

export function isRow(panel: PanelDocument): boolean {
  return panel.type === 'row';
}

/** The grid's boxes: the dashboard's top-level panels (rows included, as one-row boxes). */
export function layoutOf(dashboard: DashboardDocument): Box[] {
  return dashboard.panels.map(({ id, gridPos }) => ({ id, ...gridPos }));
}

function byPosition(a: PanelDocument, b: PanelDocument): number {
  return a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x;
}

/**
 * Each box's place written into its panel's gridPos, and the panels listed in reading order:
 * an expanded row's panels must follow it in the list, as Grafana saves them.
 */
export function withLayout(dashboard: DashboardDocument, boxes: readonly Box[]): DashboardDocument {
  const places = new Map(boxes.map((box) => [box.id, box]));
  const panels = dashboard.panels.map((panel) => {
    const box = places.get(panel.id);
    if (!box) return panel;
    const { x, y, w, h } = box;
    const same =
      panel.gridPos.x === x && panel.gridPos.y === y && panel.gridPos.w === w && panel.gridPos.h === h;
    return same ? panel : { ...panel, gridPos: { x, y, w, h } };
  });
  return { ...dashboard, panels: panels.sort(byPosition) };
}

/** The document as the edit grid shows it: with gravity applied. */
export function compacted(dashboard: DashboardDocument): DashboardDocument {
  return withLayout(dashboard, compact(layoutOf(dashboard)));
}

function allPanels(dashboard: DashboardDocument): PanelDocument[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export function findPanel(dashboard: DashboardDocument, id: number): PanelDocument | undefined {
  return allPanels(dashboard).find((panel) => panel.id === id);
}

/** An id no panel has, rows' own panels included (ids are unique across the document). */
export function nextPanelId(dashboard: DashboardDocument): number {
  return allPanels(dashboard).reduce((highest, panel) => Math.max(highest, panel.id), 0) + 1;
}

function inserted(dashboard: DashboardDocument, panel: PanelDocument): DashboardDocument {
  const boxes = placeBox(layoutOf(dashboard), { id: panel.id, ...panel.gridPos });
  return withLayout({ ...dashboard, panels: [...dashboard.panels, panel] }, boxes);
}

export interface Added {
  dashboard: DashboardDocument;
  id: number;
}

/** A new time series panel with one empty query, in the first free place of the grid. */
export function addPanel(dashboard: DashboardDocument): Added {
  const id = nextPanelId(dashboard);
  const spot = freeSpot(layoutOf(dashboard), NEW_PANEL_SIZE.w, NEW_PANEL_SIZE.h);
  const panel: PanelDocument = {
    id,
    type: 'timeseries',
    title: 'New panel',
    gridPos: { ...spot, ...NEW_PANEL_SIZE },
    targets: [{ refId: 'A', expr: '' }],
  };
  return { dashboard: inserted(dashboard, panel), id };
}

/** A copy beside the panel when it fits there, else right under it (pushing the rest down). */
export function duplicatePanel(dashboard: DashboardDocument, id: number): Added | null {
  const original = dashboard.panels.find((panel) => panel.id === id);
  if (!original || isRow(original)) return null;
  const copyId = nextPanelId(dashboard);
  const { x, y, w, h } = original.gridPos;
  const beside = { x: x + w, y, w, h };
  const fitsBeside = beside.x + w <= COLUMNS && !layoutOf(dashboard).some((box) => overlaps(box, beside));
  const copy: PanelDocument = {
    ...structuredClone(original),
    id: copyId,
    gridPos: fitsBeside ? beside : { x, y: y + h, w, h },
  };
  return { dashboard: inserted(dashboard, copy), id: copyId };
}

/** Removes a panel; a collapsed row goes with the panels it holds. */
export function removePanel(dashboard: DashboardDocument, id: number): DashboardDocument {
  const panels = dashboard.panels.filter((panel) => panel.id !== id);
  return withLayout({ ...dashboard, panels }, compact(layoutOf({ ...dashboard, panels })));
}

/** A new expanded row under everything else. */
export function addRow(dashboard: DashboardDocument): Added {
  const id = nextPanelId(dashboard);
  const y = bottom(layoutOf(dashboard));
  const row: PanelDocument = {
    id,
    type: 'row',
    title: 'Row title',
    collapsed: false,
    gridPos: { x: 0, y, w: COLUMNS, h: 1 },
    panels: [],
  };
  return { dashboard: { ...dashboard, panels: [...dashboard.panels, row] }, id };
}

/** The panel of the same id replaced by `panel` (in a collapsed row too). */
export function replacePanel(dashboard: DashboardDocument, panel: PanelDocument): DashboardDocument {
  const swap = (candidate: PanelDocument): PanelDocument => (candidate.id === panel.id ? panel : candidate);
  return {
    ...dashboard,
    panels: dashboard.panels.map((candidate) =>
      candidate.panels?.length ? { ...swap(candidate), panels: candidate.panels.map(swap) } : swap(candidate),
    ),
  };
}

/** The panels under an expanded row, up to the next row: what collapsing it would fold in. */
export function rowMembers(dashboard: DashboardDocument, rowId: number): PanelDocument[] {
  const ordered = [...dashboard.panels].sort(byPosition);
  const start = ordered.findIndex((panel) => panel.id === rowId);
  if (start < 0) return [];
  const end = ordered.findIndex((panel, index) => index > start && isRow(panel));
  return ordered.slice(start + 1, end < 0 ? undefined : end);
}

/** Grafana's row folding: a collapsed row holds its panels; expanded, they follow it again. */
export function setRowCollapsed(
  dashboard: DashboardDocument,
  rowId: number,
  collapsed: boolean,
): DashboardDocument {
  const row = dashboard.panels.find((panel) => panel.id === rowId);
  if (!row || !isRow(row) || Boolean(row.collapsed) === collapsed) return dashboard;
  if (collapsed) {
    const members = rowMembers(dashboard, rowId);
    const folded = new Set(members.map((panel) => panel.id));
    const panels = dashboard.panels
      .filter((panel) => !folded.has(panel.id))
      .map((panel) => (panel.id === rowId ? { ...panel, collapsed: true, panels: members } : panel));
    return withLayout({ ...dashboard, panels }, compact(layoutOf({ ...dashboard, panels })));
  }
  const members = row.panels ?? [];
  const top = Math.min(...members.map((panel) => panel.gridPos.y));
  const height = members.reduce(
    (lowest, panel) => Math.max(lowest, panel.gridPos.y - top + panel.gridPos.h),
    0,
  );
  const below = row.gridPos.y + 1;
  // Everything under the row moves down by the height of what it unfolds.
  const panels = dashboard.panels.map((panel) => {
    if (panel.id === rowId) return { ...panel, collapsed: false, panels: [] };
    return panel.gridPos.y > row.gridPos.y
      ? { ...panel, gridPos: { ...panel.gridPos, y: panel.gridPos.y + height } }
      : panel;
  });
  const unfolded = members.map((panel) => ({
    ...panel,
    gridPos: { ...panel.gridPos, y: panel.gridPos.y - top + below },
  }));
  const expanded = { ...dashboard, panels: [...panels, ...unfolded] };
  return withLayout(expanded, compact(layoutOf(expanded)));
}
