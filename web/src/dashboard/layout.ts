// From Grafana's panel list to what the grid draws: sections, each an optional row header and its
// panels placed on the 24-column grid. A row's panels are laid out relative to the row, so
// collapsing or expanding one moves the sections below it without recomputing their places.

import type { Panel } from '../api/types';

export const GRID_COLUMNS = 24;

export interface PlacedPanel {
  panel: Panel;
  /** Column (0-23) and grid row, both 0-based, relative to the section. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Section {
  key: string;
  row?: Panel;
  collapsed: boolean;
  /** The panels on screen: none while the row is collapsed. */
  items: PlacedPanel[];
  /** Every panel of the row, drawn or not (a collapsed row still lists what it holds). */
  members: Panel[];
}

function byPosition(a: Panel, b: Panel): number {
  return a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x;
}

function place(panels: Panel[]): PlacedPanel[] {
  const sorted = [...panels].sort(byPosition);
  const top = Math.min(...sorted.map((panel) => panel.gridPos.y));
  return sorted.map((panel) => {
    const x = Math.min(Math.max(panel.gridPos.x, 0), GRID_COLUMNS - 1);
    return {
      panel,
      x,
      y: panel.gridPos.y - top,
      w: Math.min(Math.max(panel.gridPos.w, 1), GRID_COLUMNS - x),
      h: Math.max(panel.gridPos.h, 1),
    };
  });
}

/**
 * Sections in the order they are drawn. `collapsedRows` holds the viewer's choices by row id;
 * a row not named there is as the document saved it (an expanded row's panels follow it in the
 * list; a collapsed row holds them in its own `panels`).
 */
export function layoutSections(panels: Panel[], collapsedRows: Record<number, boolean> = {}): Section[] {
  const sections: Section[] = [];
  let current: Section = { key: 'top', collapsed: false, items: [], members: [] };
  for (const panel of [...panels].sort(byPosition)) {
    if (panel.type === 'row') {
      sections.push(current);
      const collapsed = collapsedRows[panel.id] ?? Boolean(panel.collapsed);
      current = {
        key: `row-${panel.id}`,
        row: panel,
        collapsed,
        items: [],
        members: panel.collapsed ? [...(panel.panels ?? [])] : [],
      };
    } else if (current.row?.collapsed) {
      // A panel after a row saved collapsed is outside it (the row holds its own panels).
      sections.push(current);
      current = { key: `after-${panel.id}`, collapsed: false, items: [], members: [panel] };
    } else {
      current.members.push(panel);
    }
  }
  sections.push(current);
  return sections
    .filter((section) => section.row || section.members.length)
    .map((section) => ({
      ...section,
      items: section.collapsed || !section.members.length ? [] : place(section.members),
    }));
}

/** Ids of the panels on screen, in drawing order (what the data API is asked for). */
export function drawnPanelIds(sections: Section[]): number[] {
  return sections.flatMap((section) => section.items.map((item) => item.panel.id));
}

/** Grid rows a section needs: the bottom edge of its lowest panel. */
export function sectionHeight(section: Section): number {
  return section.items.reduce((bottom, item) => Math.max(bottom, item.y + item.h), 0);
}

/** Every panel of a document by id, rows' nested panels included. */
export function panelsById(panels: Panel[]): Map<number, Panel> {
  const found = new Map<number, Panel>();
  for (const panel of panels) {
    found.set(panel.id, panel);
    for (const nested of panel.panels ?? []) found.set(nested.id, nested);
  }
  return found;
}
