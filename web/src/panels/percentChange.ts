import type { Frame } from '../api/types';

/** How the change is coloured, as Grafana's stat panel names its modes. */
export type ChangeColorMode = 'standard' | 'inverted' | 'same_as_value';

/** From the range's first value to its last, as a fraction of the first (Grafana's stat
 * "percent change"); null without two values or from zero. */
export function percentChange(frame: Frame): number | null {
  let first: number | null = null;
  let last: number | null = null;
  let count = 0;
  for (const value of frame.values) {
    if (value === null || !Number.isFinite(value)) continue;
    first ??= value;
    last = value;
    count += 1;
  }
  if (count < 2 || first === null || last === null || first === 0) return null;
  return (last - first) / Math.abs(first);
}

export function changeText(change: number): string {
  const percent = Math.abs(change * 100);
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** `good` when the change goes the way the mode calls good, `bad` the other way. */
export function changeTone(change: number, mode: ChangeColorMode): 'good' | 'bad' | 'value' | 'flat' {
  if (mode === 'same_as_value') return 'value';
  if (change === 0) return 'flat';
  return change > 0 === (mode === 'standard') ? 'good' : 'bad';
}
