// Grafana's reducers (one number per series) and threshold steps, for frames the UI changed
// itself (live points appended): the server computes the same for the data API's answers.

import type { FieldDefaults, Reduced } from '../api/types';

type Values = readonly (number | null)[];

function present(values: Values): number[] {
  return values.filter((value): value is number => value !== null && Number.isFinite(value));
}

const REDUCERS: Record<string, (values: number[]) => number> = {
  lastNotNull: (v) => v[v.length - 1] ?? NaN,
  firstNotNull: (v) => v[0] ?? NaN,
  mean: (v) => v.reduce((sum, value) => sum + value, 0) / v.length,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  sum: (v) => v.reduce((sum, value) => sum + value, 0),
  count: (v) => v.length,
  range: (v) => Math.max(...v) - Math.min(...v),
  diff: (v) => (v[v.length - 1] ?? NaN) - (v[0] ?? NaN),
  // A drop is a counter reset, after which the new value counts.
  delta: (v) =>
    v.slice(1).reduce((total, value, i) => total + (value >= (v[i] ?? 0) ? value - (v[i] ?? 0) : value), 0),
};

/** The series reduced by `calc` (lastNotNull for one this UI does not know); null for none. */
export function reduceValues(values: Values, calc: string): number | null {
  if (calc === 'last' || calc === 'first') {
    const end = calc === 'last' ? values[values.length - 1] : values[0];
    return end !== undefined && end !== null && Number.isFinite(end) ? end : null;
  }
  const numbers = present(values);
  if (calc === 'count') return numbers.length;
  if (!numbers.length) return null;
  const result = (REDUCERS[calc] ?? REDUCERS.lastNotNull!)(numbers);
  return Number.isFinite(result) ? result : null;
}

/** The threshold step a value falls in: its index and colour. */
export function thresholdStep(
  value: number | null,
  defaults: FieldDefaults,
  values: Values = [],
): { thresholdIndex: number; color: string } | null {
  const thresholds = defaults.thresholds;
  if (value === null || !thresholds?.steps.length) return null;
  let level = value;
  if (thresholds.mode === 'percentage') {
    const numbers = present(values);
    const low = defaults.min ?? (numbers.length ? Math.min(...numbers) : 0);
    const high = defaults.max ?? (numbers.length ? Math.max(...numbers) : 0);
    level = high > low ? ((value - low) / (high - low)) * 100 : 100;
  }
  let index = 0;
  thresholds.steps.forEach((step, position) => {
    if (step.value === null || step.value === undefined || level >= step.value) index = position;
  });
  return { thresholdIndex: index, color: thresholds.steps[index]?.color ?? '' };
}

export function reduceFrame(values: Values, calc: string, defaults: FieldDefaults): Reduced {
  const value = reduceValues(values, calc);
  return { calc, value, ...(thresholdStep(value, defaults, values) ?? {}) };
}

/** The calc a panel reduces with (its reduceOptions.calcs[0]). */
export function panelCalc(options: Record<string, unknown> | undefined): string {
  const reduceOptions = options?.reduceOptions as { calcs?: unknown } | undefined;
  const first = Array.isArray(reduceOptions?.calcs) ? reduceOptions.calcs[0] : undefined;
  return typeof first === 'string' ? first : 'lastNotNull';
}
