import { describe, expect, it } from 'vitest';
import type { Frame } from '../../api/types';
import { alignFrames, stackBands, stackColumns } from './align';

function frame(timestamps: number[], values: (number | null)[]): Frame {
  return { refId: 'A', name: 'x', labels: {}, timestamps, values };
}

describe('alignFrames', () => {
  it('puts every series on one time axis in seconds, with gaps where a series has no point', () => {
    const columns = alignFrames([frame([1000, 3000], [1, 3]), frame([2000, 3000], [20, null])]);
    expect(columns.xs).toEqual([1, 2, 3]);
    expect(columns.ys).toEqual([
      [1, null, 3],
      [null, 20, null],
    ]);
  });

  it('has no columns for no frames', () => {
    expect(alignFrames([])).toEqual({ xs: [], ys: [] });
  });
});

describe('stacking', () => {
  it('adds each series to the ones before it, gaps adding nothing', () => {
    expect(
      stackColumns([
        [1, 2, null],
        [10, null, 30],
        [100, 200, 300],
      ]),
    ).toEqual([
      [1, 2, null],
      [11, null, 30],
      [111, 202, 330],
    ]);
  });

  it('fills between each series and the one below it', () => {
    expect(stackBands(3)).toEqual([
      [2, 1],
      [3, 2],
    ]);
    expect(stackBands(1)).toEqual([]);
  });
});
