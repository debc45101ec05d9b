// Adding Explore's query to a dashboard as a time series panel: where it goes on the grid and
// what the new or changed document holds.

import type { DashboardDocument } from '../api/documentTypes';
import type { GridPos, Panel } from '../api/types';
import { NEW_PANEL_SIZE, nextPanelId } from '../edit/dashboardEdits';
import { freeSpot } from '../edit/gridLayout';
import type { TimeRange } from '../time/timeRange';

const TITLE_LENGTH = 60;

/**
 * The first place, top to bottom and left to right, where a panel of `size` overlaps none of the
 * dashboard's panels. Only top-level panels count: a collapsed row's panels are not on the grid.
 */
export function firstFreeSpot(panels: Panel[], size: { w: number; h: number } = NEW_PANEL_SIZE): GridPos {
  const spot = freeSpot(
    panels.map((panel) => panel.gridPos),
    size.w,
    size.h,
  );
  return { ...spot, w: size.w, h: size.h };
}

/** A panel title from a query: the query itself, shortened to fit a panel header. */
export function titleOf(expr: string): string {
  const oneLine = expr.replace(/\s+/g, ' ').trim();
  return oneLine.length > TITLE_LENGTH ? `${oneLine.slice(0, TITLE_LENGTH - 1)}…` : oneLine;
}

function queryPanel(expr: string, id: number, gridPos: GridPos): Panel {
  return { id, type: 'timeseries', title: titleOf(expr), gridPos, targets: [{ refId: 'A', expr }] };
}

/** The dashboard with a time series panel of `expr` added at the first free spot. */
export function withQueryPanel(dashboard: DashboardDocument, expr: string): DashboardDocument {
  const panel = queryPanel(expr, nextPanelId(dashboard), firstFreeSpot(dashboard.panels));
  return { ...dashboard, panels: [...dashboard.panels, panel] };
}

/** A uid from a title ("Checkout latency" -> "checkout-latency-k3x9q2"), unique enough to not collide. */
export function newDashboardUid(title: string, random: () => number = Math.random): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
  const suffix = Array.from({ length: 6 }, () => Math.floor(random() * 36).toString(36)).join('');
  return slug ? `${slug}-${suffix}` : `explore-${suffix}`;
}

/** A new dashboard holding only the query's panel, over the range Explore showed. */
export function newQueryDashboard(title: string, expr: string, time: TimeRange): DashboardDocument {
  return {
    uid: newDashboardUid(title),
    title: title.trim(),
    time,
    panels: [queryPanel(expr, 1, firstFreeSpot([]))],
  };
}
