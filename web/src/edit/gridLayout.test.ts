import { describe, expect, it } from 'vitest';
import { COLUMNS, compact, freeSpot, overlaps, placeBox, type Box } from './gridLayout';

const box = (id: number, x: number, y: number, w: number, h: number): Box => ({ id, x, y, w, h });

function noOverlaps(boxes: Box[]): boolean {
  return boxes.every((a, i) => boxes.every((b, j) => i === j || !overlaps(a, b)));
}

const byId = (boxes: Box[]): Box[] => [...boxes].sort((a, b) => a.id - b.id);

describe('compact', () => {
  it('lets every box rise until something is above it', () => {
    const packed = compact([box(1, 0, 3, 12, 4), box(2, 12, 10, 12, 4), box(3, 0, 20, 24, 2)]);
    expect(byId(packed)).toEqual([box(1, 0, 0, 12, 4), box(2, 12, 0, 12, 4), box(3, 0, 4, 24, 2)]);
  });

  it('keeps a packed layout as it is', () => {
    const layout = [box(1, 0, 0, 6, 4), box(2, 6, 0, 6, 8), box(3, 0, 4, 6, 4)];
    expect(byId(compact(layout))).toEqual(layout);
  });
});

describe('placeBox', () => {
  it('pushes what the box lands on below it, and the rest follows by gravity', () => {
    const layout = [box(1, 0, 0, 12, 8), box(2, 12, 0, 12, 8), box(3, 0, 8, 24, 4)];
    const placed = placeBox(layout, box(2, 0, 0, 12, 8));
    expect(byId(placed)).toEqual([box(1, 0, 8, 12, 8), box(2, 0, 0, 12, 8), box(3, 0, 16, 24, 4)]);
    expect(noOverlaps(placed)).toBe(true);
  });

  it('pushes in cascade: a pushed box pushes the one under it', () => {
    const layout = [box(1, 0, 0, 24, 2), box(2, 0, 2, 24, 2), box(3, 0, 4, 24, 2)];
    const placed = placeBox(layout, box(1, 0, 0, 24, 5));
    expect(byId(placed)).toEqual([box(1, 0, 0, 24, 5), box(2, 0, 5, 24, 2), box(3, 0, 7, 24, 2)]);
  });
});

describe('freeSpot', () => {
  it('finds the first hole wide enough, reading rows from the top', () => {
    const layout = [box(1, 0, 0, 12, 4), box(2, 0, 4, 24, 4)];
    expect(freeSpot(layout, 12, 4)).toEqual({ x: 12, y: 0 });
    expect(freeSpot(layout, 13, 4)).toEqual({ x: 0, y: 8 });
  });

  it('uses the top left corner of an empty grid and never leaves the 24 columns', () => {
    expect(freeSpot([], 12, 8)).toEqual({ x: 0, y: 0 });
    expect(freeSpot([box(1, 0, 0, 23, 4)], 2, 2)).toEqual({ x: 0, y: 4 });
    expect(freeSpot([], COLUMNS + 10, 2)).toEqual({ x: 0, y: 0 });
  });
});
