// Reading a time series chart from the keyboard: a cursor on one point of one series, moved by
// keys as a screen-reader user would read a table (Left/Right along the series, Up/Down across
// series, Home/End to its ends). Gaps are skipped: the cursor always rests on a value.

import type { Columns } from './align';

export interface PointCursor {
  series: number;
  index: number;
}

/** The keys the chart answers; others are left to the browser. */
export const NAVIGATION_KEYS = new Set([
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
]);

function hasValue(columns: Columns, series: number, index: number): boolean {
  const value = columns.ys[series]?.[index];
  return value !== null && value !== undefined;
}

/** The nearest index with a value in `direction` (+1/-1) from `start` (itself included). */
function seek(columns: Columns, series: number, start: number, direction: 1 | -1): number | null {
  for (let index = start; index >= 0 && index < columns.xs.length; index += direction) {
    if (hasValue(columns, series, index)) return index;
  }
  return null;
}

/** The index with a value closest to `index` (the earlier one on a tie). */
function nearest(columns: Columns, series: number, index: number): number | null {
  const before = seek(columns, series, Math.min(index, columns.xs.length - 1), -1);
  const after = seek(columns, series, Math.max(index, 0), 1);
  if (before === null) return after;
  if (after === null) return before;
  return index - before <= after - index ? before : after;
}

/** The next series (in legend order) that is shown and has a value somewhere. */
function nextSeries(columns: Columns, from: number, direction: 1 | -1, shown: (series: number) => boolean) {
  for (let series = from + direction; series >= 0 && series < columns.ys.length; series += direction) {
    if (shown(series) && nearest(columns, series, 0) !== null) return series;
  }
  return null;
}

/**
 * Where `key` moves the cursor. With no cursor yet, any key starts at the newest value of the
 * first shown series (the one people look at first). Null when there is nothing to point at.
 */
export function moveCursor(
  cursor: PointCursor | null,
  key: string,
  columns: Columns,
  shown: (series: number) => boolean = () => true,
): PointCursor | null {
  const valid =
    cursor && shown(cursor.series) && hasValue(columns, cursor.series, cursor.index) ? cursor : null;
  if (!valid) {
    const series = nextSeries(columns, -1, 1, shown);
    if (series === null) return null;
    const index =
      key === 'Home' ? seek(columns, series, 0, 1) : seek(columns, series, columns.xs.length - 1, -1);
    return index === null ? null : { series, index };
  }
  const { series, index } = valid;
  const page = Math.max(Math.round(columns.xs.length / 10), 1);
  const along = (target: number | null): PointCursor => ({ series, index: target ?? index });
  switch (key) {
    case 'ArrowRight':
      return along(seek(columns, series, index + 1, 1));
    case 'ArrowLeft':
      return along(seek(columns, series, index - 1, -1));
    case 'PageDown':
      return along(nearest(columns, series, Math.min(index + page, columns.xs.length - 1)));
    case 'PageUp':
      return along(nearest(columns, series, Math.max(index - page, 0)));
    case 'Home':
      return along(seek(columns, series, 0, 1));
    case 'End':
      return along(seek(columns, series, columns.xs.length - 1, -1));
    case 'ArrowUp':
    case 'ArrowDown': {
      const other = nextSeries(columns, series, key === 'ArrowDown' ? 1 : -1, shown);
      if (other === null) return valid;
      return { series: other, index: nearest(columns, other, index) ?? index };
    }
    default:
      return valid;
  }
}
