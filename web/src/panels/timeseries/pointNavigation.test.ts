import { describe, expect, it } from 'vitest';
import type { Columns } from './align';
import { moveCursor } from './pointNavigation';

// Three series over six times; series 1 has gaps, series 2 has no value at all.
const COLUMNS: Columns = {
  xs: [1, 2, 3, 4, 5, 6],
  ys: [
    [10, 11, 12, 13, 14, 15],
    [null, 21, null, null, 24, null],
    [null, null, null, null, null, null],
  ],
};

describe('moveCursor', () => {
  it('starts at the newest value of the first series, or the oldest on Home', () => {
    expect(moveCursor(null, 'ArrowLeft', COLUMNS)).toEqual({ series: 0, index: 5 });
    expect(moveCursor(null, 'Home', COLUMNS)).toEqual({ series: 0, index: 0 });
  });

  it('moves point by point and stops at the ends', () => {
    expect(moveCursor({ series: 0, index: 2 }, 'ArrowRight', COLUMNS)).toEqual({ series: 0, index: 3 });
    expect(moveCursor({ series: 0, index: 2 }, 'ArrowLeft', COLUMNS)).toEqual({ series: 0, index: 1 });
    expect(moveCursor({ series: 0, index: 5 }, 'ArrowRight', COLUMNS)).toEqual({ series: 0, index: 5 });
    expect(moveCursor({ series: 0, index: 0 }, 'ArrowLeft', COLUMNS)).toEqual({ series: 0, index: 0 });
  });

  it('skips gaps along a series', () => {
    expect(moveCursor({ series: 1, index: 1 }, 'ArrowRight', COLUMNS)).toEqual({ series: 1, index: 4 });
    expect(moveCursor({ series: 1, index: 4 }, 'ArrowLeft', COLUMNS)).toEqual({ series: 1, index: 1 });
    expect(moveCursor({ series: 1, index: 4 }, 'End', COLUMNS)).toEqual({ series: 1, index: 4 });
    expect(moveCursor({ series: 1, index: 4 }, 'Home', COLUMNS)).toEqual({ series: 1, index: 1 });
  });

  it('switches series at the nearest time with a value, passing series without any', () => {
    expect(moveCursor({ series: 0, index: 3 }, 'ArrowDown', COLUMNS)).toEqual({ series: 1, index: 4 });
    expect(moveCursor({ series: 0, index: 2 }, 'ArrowDown', COLUMNS)).toEqual({ series: 1, index: 1 });
    expect(moveCursor({ series: 1, index: 4 }, 'ArrowDown', COLUMNS)).toEqual({ series: 1, index: 4 });
    expect(moveCursor({ series: 1, index: 4 }, 'ArrowUp', COLUMNS)).toEqual({ series: 0, index: 4 });
  });

  it('leaves out hidden series', () => {
    const shown = (series: number): boolean => series !== 0;
    expect(moveCursor(null, 'End', COLUMNS, shown)).toEqual({ series: 1, index: 4 });
    expect(moveCursor({ series: 0, index: 3 }, 'ArrowRight', COLUMNS, shown)).toEqual({
      series: 1,
      index: 4,
    });
    expect(moveCursor({ series: 1, index: 1 }, 'ArrowUp', COLUMNS, shown)).toEqual({ series: 1, index: 1 });
  });

  it('jumps a tenth of the points with Page Up and Page Down', () => {
    const long: Columns = { xs: [...Array(100).keys()], ys: [[...Array(100).keys()]] };
    expect(moveCursor({ series: 0, index: 50 }, 'PageDown', long)).toEqual({ series: 0, index: 60 });
    expect(moveCursor({ series: 0, index: 5 }, 'PageUp', long)).toEqual({ series: 0, index: 0 });
  });

  it('has nothing to point at without values', () => {
    expect(moveCursor(null, 'ArrowRight', { xs: [1], ys: [[null]] })).toBeNull();
    expect(moveCursor(null, 'ArrowRight', { xs: [], ys: [] })).toBeNull();
  });
});
