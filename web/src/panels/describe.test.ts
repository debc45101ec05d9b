import { describe, expect, it } from 'vitest';
import type { Frame } from '../api/types';
import { describeSeries, shownValue, summarize } from './describe';

function frame(name: string, values: (number | null)[], reduced?: Frame['reduced']): Frame {
  return {
    refId: 'A',
    name,
    labels: {},
    timestamps: values.map((_, i) => i * 1000),
    values,
    ...(reduced ? { reduced } : {}),
  };
}

describe('describeSeries', () => {
  it('names the series and their latest values in the unit', () => {
    const text = describeSeries('Time series', [frame('P50', [0.01, 0.012]), frame('P95', [0.2, null])], {
      unit: 's',
    });
    expect(text).toBe('Time series of 2 series. Latest: P50 12 ms, P95 200 ms.');
  });

  it('says how many more there are past the first five', () => {
    const frames = Array.from({ length: 7 }, (_, i) => frame(`s${i}`, [i]));
    expect(describeSeries('Bars', frames, { unit: 'none' })).toMatch(/s4 4, and 2 more\.$/);
  });

  it('says when there is nothing to show', () => {
    expect(describeSeries('Pie chart', [], {})).toBe('Pie chart, no data.');
  });
});

describe('summaries', () => {
  it('ignores gaps', () => {
    expect(summarize(frame('x', [1, null, 3, 2]))).toEqual({ name: 'x', last: 2, min: 1, max: 3, mean: 2 });
  });

  it("prefers the server's reduction", () => {
    expect(shownValue(frame('x', [1, 2], { calc: 'max', value: 9 }))).toBe(9);
    expect(shownValue(frame('x', [1, 2, null]))).toBe(2);
  });
});
