import { describe, expect, it } from 'vitest';
import type { Frame } from '../api/types';
import { heatmapRows, labelledRows, scaleColor, valueBounds } from './heatmapScale';

function frame(name: string, values: (number | null)[] = [1]): Frame {
  return { refId: 'A', name, labels: {}, timestamps: values.map((_, i) => i), values };
}

describe('heatmap rows', () => {
  it('orders bucket bounds numerically with +Inf last', () => {
    expect(heatmapRows([frame('+Inf'), frame('0.5'), frame('0.05'), frame('10')]).map((f) => f.name)).toEqual(
      ['0.05', '0.5', '10', '+Inf'],
    );
  });

  it('counts each bucket on its own rather than cumulatively', () => {
    const rows = heatmapRows([frame('+Inf', [10, 12]), frame('0.1', [2, 2]), frame('1', [7, 12])]);
    expect(rows.map((row) => row.values)).toEqual([
      [2, 2],
      [5, 10],
      [3, 0],
    ]);
  });

  it('keeps other series in the order they came', () => {
    expect(heatmapRows([frame('pod-b'), frame('pod-a')]).map((f) => f.name)).toEqual(['pod-b', 'pod-a']);
  });
});

describe('heatmap colours', () => {
  it('goes from the low colour to the high one', () => {
    expect(scaleColor(0, '#111111', '#7C3AED')).toBe('#111111');
    expect(scaleColor(1, '#111111', '#7C3AED')).toBe('#7C3AED');
    expect(scaleColor(2, '#000000', '#FFFFFF', 1)).toBe('#FFFFFF');
  });

  it('finds the value bounds, ignoring gaps', () => {
    expect(valueBounds([frame('a', [3, null, 1]), frame('b', [7])])).toEqual([1, 7]);
    expect(valueBounds([frame('a', [null])])).toBeNull();
  });
});

describe('labelledRows', () => {
  it('names every row that is a line of text tall', () => {
    expect(labelledRows(3, 20)).toEqual([0, 1, 2]);
  });

  it('names every n-th row when rows are thinner', () => {
    expect(labelledRows(12, 5)).toEqual([0, 3, 6, 9]);
    expect(labelledRows(0, 5)).toEqual([]);
  });

  it('leaves out a name that would stick out above the top row', () => {
    expect(labelledRows(10, 5)).toEqual([0, 3, 6]);
  });
});
