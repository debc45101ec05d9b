// An instant query's answer as a table: one row per series, a column per label name, and the
// value as the server wrote it (so what is read here is exactly what the API said).

import type { PromQueryData } from '../api/types';

// Not a valid label name, so it cannot clash with a label column.
export const VALUE_COLUMN = '#value';
const METRIC_NAME = '__name__';

export interface InstantRow {
  /** Unique within the table: the series' labels (a vector has no two series with the same). */
  key: string;
  labels: Record<string, string>;
  value: string;
}

export interface InstantTable {
  /** Label names: the metric name first, then alphabetically. */
  labelColumns: string[];
  rows: InstantRow[];
  /** When the query was evaluated, ms since the epoch (null for an empty vector). */
  evaluatedAtMs: number | null;
}

export type SortDirection = 'ascending' | 'descending';

export interface TableSort {
  /** A label name, or VALUE_COLUMN. */
  column: string;
  direction: SortDirection;
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function orderedLabelNames(rows: InstantRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) Object.keys(row.labels).forEach((name) => names.add(name));
  return [...names].sort((a, b) => {
    if (a === METRIC_NAME || b === METRIC_NAME) return a === METRIC_NAME ? -1 : 1;
    return a.localeCompare(b);
  });
}

/** The table of an instant answer; scalars and strings are one row without labels. */
export function instantTable(data: PromQueryData): InstantTable {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    const [seconds, value] = data.result;
    return { labelColumns: [], rows: [{ key: '{}', labels: {}, value }], evaluatedAtMs: seconds * 1000 };
  }
  if (data.resultType === 'matrix') {
    // An instant query of a range selector (up[5m]): each series' newest sample.
    const rows = data.result
      .filter((series) => series.values.length > 0)
      .map((series) => ({
        key: labelKey(series.metric),
        labels: series.metric,
        value: series.values[series.values.length - 1]![1],
      }));
    const newest = data.result.flatMap((series) => series.values.map(([seconds]) => seconds * 1000));
    return {
      labelColumns: orderedLabelNames(rows),
      rows,
      evaluatedAtMs: newest.length ? Math.max(...newest) : null,
    };
  }
  const rows = data.result.map((series) => ({
    key: labelKey(series.metric),
    labels: series.metric,
    value: series.value[1],
  }));
  const first = data.result[0];
  return { labelColumns: orderedLabelNames(rows), rows, evaluatedAtMs: first ? first.value[0] * 1000 : null };
}

/** A sample's text as a number: Prometheus writes infinities as "+Inf" and "-Inf". */
export function sampleNumber(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function compareValues(a: string, b: string): number {
  const x = sampleNumber(a);
  const y = sampleNumber(b);
  // NaN is not ordered: it goes after every number in either direction, as a gap would.
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return x === y ? 0 : x < y ? -1 : 1;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The rows in the order of one column; a series without the label sorts last. */
export function sortRows(rows: InstantRow[], sort: TableSort): InstantRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (sort.column === VALUE_COLUMN) {
      const nan = Number.isNaN(sampleNumber(a.value)) || Number.isNaN(sampleNumber(b.value));
      const order = compareValues(a.value, b.value);
      return nan ? order : sign * order;
    }
    const x = a.labels[sort.column];
    const y = b.labels[sort.column];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    return sign * collator.compare(x, y);
  });
}

/** The sort after a click on a column's header: the same column flips; a new one starts A to Z, values largest first. */
export function nextSort(current: TableSort | null, column: string): TableSort {
  if (current?.column === column) {
    return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  return { column, direction: column === VALUE_COLUMN ? 'descending' : 'ascending' };
}
