// Frames to uPlot's columns: one shared, sorted time axis (in seconds, uPlot's default) and one
// value column per series, with null where a series has no point at that time.

import type { Frame } from '../../api/types';

export interface Columns {
  xs: number[];
  ys: (number | null)[][];
}

export function alignFrames(frames: Frame[]): Columns {
  const times = new Set<number>();
  for (const frame of frames) frame.timestamps.forEach((timestamp) => times.add(timestamp));
  const sorted = [...times].sort((a, b) => a - b);
  const position = new Map(sorted.map((timestamp, index) => [timestamp, index]));
  const ys = frames.map((frame) => {
    const column: (number | null)[] = new Array<number | null>(sorted.length).fill(null);
    frame.timestamps.forEach((timestamp, index) => {
      const value = frame.values[index];
      column[position.get(timestamp) ?? 0] =
        value === undefined || value === null || !Number.isFinite(value) ? null : value;
    });
    return column;
  });
  return { xs: sorted.map((ms) => ms / 1000), ys };
}

/**
 * Stacked columns: each series drawn on top of the ones before it. A gap stays a gap in its own
 * series and adds nothing to those above.
 */
export function stackColumns(ys: (number | null)[][]): (number | null)[][] {
  const length = ys[0]?.length ?? 0;
  const base = new Array<number>(length).fill(0);
  return ys.map((column) =>
    column.map((value, index) => {
      if (value === null) return null;
      base[index] = (base[index] ?? 0) + value;
      return base[index] ?? null;
    }),
  );
}

/** Pairs of uPlot series (1-based, after the time column) whose space between is filled. */
export function stackBands(count: number): [upper: number, lower: number][] {
  return Array.from({ length: Math.max(count - 1, 0) }, (_, index) => [index + 2, index + 1]);
}
