// The heatmap's rows and colours: series ordered as buckets when they are (Prometheus `le`
// bounds, "+Inf" last), and values to a sequential scale from the panel background to violet.

import type { Frame } from '../api/types';
import { parseColor, toHex, type Rgb } from '../format/color';

function bucketBound(name: string): number | null {
  if (name === '+Inf') return Number.POSITIVE_INFINITY;
  const value = Number(name);
  return name.trim() !== '' && Number.isFinite(value) ? value : null;
}

/**
 * Rows bottom to top. Prometheus histogram buckets (every name a bound) are ordered by bound and
 * made non-cumulative: each row counts what fell in its own bucket, not in it and all below,
 * or every row would be as bright as the +Inf one. Other series keep the order they came in.
 */
export function heatmapRows(frames: Frame[]): Frame[] {
  const bounds = frames.map((frame) => bucketBound(frame.name));
  if (!frames.length || bounds.some((bound) => bound === null)) return frames;
  const sorted = frames
    .map((frame, index) => ({ frame, bound: bounds[index] as number }))
    .sort((a, b) => a.bound - b.bound)
    .map((row) => row.frame);
  return sorted.map((frame, index) => {
    const below = sorted[index - 1];
    if (!below) return frame;
    const belowAt = new Map(below.timestamps.map((time, i) => [time, below.values[i] ?? null]));
    const values = frame.values.map((value, i) => {
      const under = belowAt.get(frame.timestamps[i] ?? NaN);
      if (value === null || under === null || under === undefined) return value;
      return Math.max(value - under, 0);
    });
    return { ...frame, values };
  });
}

/** A colour between `low` and `high` for a share in [0, 1]; gamma < 1 lifts small values. */
export function scaleColor(share: number, low: string, high: string, gamma = 0.6): string {
  const from = parseColor(low) ?? [0, 0, 0];
  const to = parseColor(high) ?? [255, 255, 255];
  const t = Math.min(Math.max(share, 0), 1) ** gamma;
  return toHex(from.map((c, i) => c + ((to[i] ?? 0) - c) * t) as Rgb);
}

/** The lowest and highest finite value of all frames, or null for none. */
export function valueBounds(frames: Frame[]): [number, number] | null {
  let low = Infinity;
  let high = -Infinity;
  for (const frame of frames) {
    for (const value of frame.values) {
      if (value === null || !Number.isFinite(value)) continue;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  return low <= high ? [low, high] : null;
}

/**
 * The rows (0 = bottom) whose names fit on the axis: every row when rows are as tall as a line
 * of text, else every n-th row, from the bottom, so that names never overlap; a name that
 * would stick out above the top row is left out.
 */
export function labelledRows(count: number, rowHeight: number, lineHeight = 13): number[] {
  const every = Math.max(Math.ceil(lineHeight / Math.max(rowHeight, 0.1)), 1);
  const roomAbove = (row: number): number => (count - row - 0.5) * rowHeight;
  return Array.from({ length: count }, (_, row) => row).filter(
    (row) => row % every === 0 && roomAbove(row) >= lineHeight / 2,
  );
}
