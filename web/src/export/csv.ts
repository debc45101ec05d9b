// A panel's data as CSV (RFC 4180): what the panel shows, as numbers a spreadsheet or a script
// reads back exactly. Charts over time give one row per time and a column per series; panels that
// show one number per series (stat, gauge, table, ...) give a row per series with its reduced
// value and its labels.

import type { Frame } from '../api/types';
import { shownValue } from '../panels/describe';
import { alignFrames } from '../panels/timeseries/align';

const LINE_END = '\r\n';

// A cell a spreadsheet would run as a formula. Series names come from label values, which any
// client that can write a metric controls.
const FORMULA_START = /^[=+\-@\t\r]/;

function textCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A number as JavaScript writes it: the shortest text that reads back as the same double. */
function numberCell(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

function lines(rows: string[][]): string {
  return rows.map((row) => row.join(',')).join(LINE_END) + LINE_END;
}

/** Header "time" and the series' names; a row per time (ISO 8601, UTC), oldest first. */
export function timeSeriesCsv(frames: Frame[]): string {
  const columns = alignFrames(frames);
  const header = ['time', ...frames.map((frame) => textCell(frame.name))];
  const rows = columns.xs.map((seconds, index) => [
    new Date(Math.round(seconds * 1000)).toISOString(),
    ...columns.ys.map((column) => numberCell(column[index])),
  ]);
  return lines([header, ...rows]);
}

/** A row per series: its name, its labels (a column per label name) and the value shown. */
export function reducedCsv(frames: Frame[]): string {
  const labelNames = [...new Set(frames.flatMap((frame) => Object.keys(frame.labels)))]
    .filter((name) => name !== '__name__')
    .sort();
  const header = ['series', ...labelNames, 'value'].map(textCell);
  const rows = frames.map((frame) => [
    textCell(frame.name),
    ...labelNames.map((name) => textCell(frame.labels[name] ?? '')),
    numberCell(shownValue(frame)),
  ]);
  return lines([header, ...rows]);
}
