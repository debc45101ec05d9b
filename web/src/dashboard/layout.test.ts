import { describe, expect, it } from 'vitest';
import type { Panel } from '../api/types';
import { drawnPanelIds, layoutSections, panelsById, sectionHeight } from './layout';

function panel(id: number, x: number, y: number, w: number, h: number, extra: Partial<Panel> = {}): Panel {
  return { id, type: 'stat', gridPos: { x, y, w, h }, ...extra };
}

function row(id: number, y: number, extra: Partial<Panel> = {}): Panel {
  return panel(id, 0, y, 24, 1, { type: 'row', title: `Row ${id}`, ...extra });
}

describe('layoutSections', () => {
  it('places panels without rows in one section, in reading order', () => {
    const [section, ...rest] = layoutSections([
      panel(2, 12, 0, 12, 8),
      panel(1, 0, 0, 12, 8),
      panel(3, 0, 8, 24, 4),
    ]);
    expect(rest).toEqual([]);
    expect(section?.row).toBeUndefined();
    expect(section?.items.map((item) => [item.panel.id, item.x, item.y, item.w, item.h])).toEqual([
      [1, 0, 0, 12, 8],
      [2, 12, 0, 12, 8],
      [3, 0, 8, 24, 4],
    ]);
    expect(sectionHeight(section!)).toBe(12);
  });

  it('gives an expanded row the panels that follow it, placed relative to the row', () => {
    const sections = layoutSections([row(1, 0), panel(2, 0, 1, 6, 4), row(3, 5), panel(4, 0, 6, 24, 8)]);
    expect(
      sections.map((section) => [
        section.row?.id,
        section.collapsed,
        section.items.map((i) => [i.panel.id, i.y]),
      ]),
    ).toEqual([
      [1, false, [[2, 0]]],
      [3, false, [[4, 0]]],
    ]);
  });

  it("shows a collapsed row's nested panels only when the viewer expands it", () => {
    const panels = [
      row(1, 0, { collapsed: true, panels: [panel(2, 0, 1, 12, 8), panel(3, 12, 1, 12, 8)] }),
      row(4, 1),
    ];
    const closed = layoutSections(panels);
    expect(closed[0]?.collapsed).toBe(true);
    expect(closed[0]?.items).toEqual([]);
    expect(closed[0]?.members.map((p) => p.id)).toEqual([2, 3]);
    expect(drawnPanelIds(closed)).toEqual([]);

    const opened = layoutSections(panels, { 1: false });
    expect(opened[0]?.items.map((item) => [item.panel.id, item.x, item.y])).toEqual([
      [2, 0, 0],
      [3, 12, 0],
    ]);
    expect(drawnPanelIds(opened)).toEqual([2, 3]);
  });

  it('hides the panels of an expanded row the viewer collapses', () => {
    const sections = layoutSections([row(1, 0), panel(2, 0, 1, 6, 4)], { 1: true });
    expect(sections[0]?.items).toEqual([]);
    expect(sections[0]?.members.map((p) => p.id)).toEqual([2]);
  });

  it('keeps panels above the first row in a section of their own', () => {
    const sections = layoutSections([panel(1, 0, 0, 24, 2), row(2, 2), panel(3, 0, 3, 24, 2)]);
    expect(sections.map((section) => section.row?.id ?? 'top')).toEqual(['top', 2]);
  });

  it('clamps positions that leave the grid', () => {
    const [section] = layoutSections([panel(1, 30, 0, 30, 0)]);
    expect(section?.items[0]).toMatchObject({ x: 23, w: 1, h: 1 });
  });

  it('finds nested panels by id', () => {
    const byId = panelsById([row(1, 0, { collapsed: true, panels: [panel(2, 0, 1, 6, 4)] })]);
    expect([...byId.keys()]).toEqual([1, 2]);
  });
});
