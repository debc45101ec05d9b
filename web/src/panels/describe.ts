// What a chart shows, in words: its accessible description, and the numbers of its legend and
// data-table fallback. Screen readers get the same facts sighted viewers read off the chart.

import type { FieldDefaults, Frame } from '../api/types';
import { formatText } from '../format/units';
import { reduceValues } from './reduce';

export interface SeriesSummary {
  name: string;
  last: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
}

// Frames are never changed in place (a live message makes new ones), so a frame's summary is
// worked out once, though the legend and the panel's data table both ask for it.
const summaries = new WeakMap<Frame, SeriesSummary>();

export function summarize(frame: Frame): SeriesSummary {
  let found = summaries.get(frame);
  if (!found) {
    found = {
      name: frame.name,
      last: reduceValues(frame.values, 'lastNotNull'),
      min: reduceValues(frame.values, 'min'),
      max: reduceValues(frame.values, 'max'),
      mean: reduceValues(frame.values, 'mean'),
    };
    summaries.set(frame, found);
  }
  return found;
}

/** The value a panel shows for a frame: the server's reduction, else its last value. */
export function shownValue(frame: Frame): number | null {
  return frame.reduced ? frame.reduced.value : reduceValues(frame.values, 'lastNotNull');
}

const MAX_NAMED = 5;

/** "3 series. Latest: P50 12 ms, P95 200 ms, P99 1 s." (the first five series are named). */
export function describeSeries(kind: string, frames: Frame[], defaults: FieldDefaults): string {
  if (!frames.length) return `${kind}, no data.`;
  const count = `${frames.length} series`;
  const values = frames
    .slice(0, MAX_NAMED)
    .map((frame) => `${frame.name} ${formatText(shownValue(frame), defaults.unit, defaults.decimals)}`);
  const more = frames.length > MAX_NAMED ? `, and ${frames.length - MAX_NAMED} more` : '';
  return `${kind} of ${count}. Latest: ${values.join(', ')}${more}.`;
}
