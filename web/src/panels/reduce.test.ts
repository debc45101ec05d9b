import { describe, expect, it } from 'vitest';
import { panelCalc, reduceValues, thresholdStep } from './reduce';

describe('reduceValues', () => {
  const values = [3, null, 1, 4, null];

  it.each([
    ['lastNotNull', 4],
    ['firstNotNull', 3],
    ['last', null],
    ['first', 3],
    ['mean', 8 / 3],
    ['max', 4],
    ['min', 1],
    ['sum', 8],
    ['count', 3],
    ['range', 3],
    ['diff', 1],
    ['unknownCalc', 4],
  ])('%s', (calc, expected) => {
    const reduced = reduceValues(values, calc);
    if (expected === null) expect(reduced).toBeNull();
    else expect(reduced).toBeCloseTo(expected);
  });

  it('counts a counter reset as a fresh start for delta', () => {
    expect(reduceValues([1, 5, 2, 4], 'delta')).toBe(4 + 2 + 2);
  });

  it('has nothing to reduce in an empty series, except a count', () => {
    expect(reduceValues([], 'mean')).toBeNull();
    expect(reduceValues([null], 'count')).toBe(0);
  });
});

describe('thresholdStep', () => {
  const defaults = {
    thresholds: {
      mode: 'absolute' as const,
      steps: [{ color: 'red' }, { color: 'amber', value: 0.99 }, { color: 'green', value: 0.995 }],
    },
  };

  it('finds the highest step the value reaches', () => {
    expect(thresholdStep(0.5, defaults)).toEqual({ thresholdIndex: 0, color: 'red' });
    expect(thresholdStep(0.99, defaults)).toEqual({ thresholdIndex: 1, color: 'amber' });
    expect(thresholdStep(1, defaults)).toEqual({ thresholdIndex: 2, color: 'green' });
    expect(thresholdStep(null, defaults)).toBeNull();
  });

  it('reads percentage steps against min and max', () => {
    const percentage = {
      min: 0,
      max: 200,
      thresholds: { mode: 'percentage' as const, steps: [{ color: 'a' }, { color: 'b', value: 50 }] },
    };
    expect(thresholdStep(99, percentage)?.color).toBe('a');
    expect(thresholdStep(100, percentage)?.color).toBe('b');
  });
});

describe('panelCalc', () => {
  it("reads the panel's first calc, lastNotNull by default", () => {
    expect(panelCalc({ reduceOptions: { calcs: ['mean'] } })).toBe('mean');
    expect(panelCalc({})).toBe('lastNotNull');
    expect(panelCalc(undefined)).toBe('lastNotNull');
  });
});
