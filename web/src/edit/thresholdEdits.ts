// A panel's threshold steps as Grafana edits them: a base step from minus infinity (value
// null) and steps that start at ascending values. The server refuses anything else (422), so
// every change here keeps that shape.

import type { ThresholdStep, Thresholds } from '../api/types';

/** Grafana's default for a new panel: green, and red from 80. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  mode: 'absolute',
  steps: [
    { color: 'green', value: null },
    { color: 'red', value: 80 },
  ],
};

// New steps take the next colour of the ones people use for thresholds most.
const STEP_COLOURS = ['#10B981', '#F59E0B', '#EF4444', '#3B82F6', '#7C3AED'];

function ascending(steps: ThresholdStep[]): ThresholdStep[] {
  const [base, ...rest] = steps;
  if (!base) return [];
  const sorted = rest.sort((a, b) => (a.value ?? 0) - (b.value ?? 0));
  return [{ ...base, value: null }, ...sorted];
}

/** A step 10 above the highest (Grafana's step), in the next colour. */
export function addStep(thresholds: Thresholds): Thresholds {
  const values = thresholds.steps
    .map((step) => step.value)
    .filter((value): value is number => typeof value === 'number');
  const value = values.length ? Math.max(...values) + 10 : 10;
  const color = STEP_COLOURS[thresholds.steps.length % STEP_COLOURS.length] ?? '#EF4444';
  return { ...thresholds, steps: ascending([...thresholds.steps, { color, value }]) };
}

/** Removes step `index`; the base step (index 0) stays. */
export function removeStep(thresholds: Thresholds, index: number): Thresholds {
  if (index <= 0) return thresholds;
  return { ...thresholds, steps: thresholds.steps.filter((_, position) => position !== index) };
}

/** A new start for step `index`; the steps are put back in ascending order. */
export function setStepValue(thresholds: Thresholds, index: number, value: number): Thresholds {
  if (index <= 0 || !Number.isFinite(value)) return thresholds;
  const steps = thresholds.steps.map((step, position) => (position === index ? { ...step, value } : step));
  return { ...thresholds, steps: ascending(steps) };
}

export function setStepColor(thresholds: Thresholds, index: number, color: string): Thresholds {
  return {
    ...thresholds,
    steps: thresholds.steps.map((step, position) => (position === index ? { ...step, color } : step)),
  };
}

export function setMode(thresholds: Thresholds, mode: Thresholds['mode']): Thresholds {
  return { ...thresholds, mode };
}
