// A table panel's rows: one per series, its labels as columns and its value last; sortable by
// any column, numbers as numbers and text as text.

import type { Frame } from '../api/types';
import { shownValue } from './describe';

export interface TableModel {
  columns: string[];
  /** Label values by column; the last column ("Value") holds the number. */
  rows: { key: string; cells: string[]; value: number | null }[];
}

export const VALUE_COLUMN = 'Value';

export function tableModel(frames: Frame[]): TableModel {
  const labelNames = [...new Set(frames.flatMap((frame) => Object.keys(frame.labels)))]
    .filter((name) => name !== '__name__')
    .sort();
  const columns = labelNames.length ? [...labelNames, VALUE_COLUMN] : ['Series', VALUE_COLUMN];
  const rows = frames.map((frame, index) => ({
    key: `${frame.refId}:${frame.name}:${index}`,
    cells: labelNames.length ? labelNames.map((name) => frame.labels[name] ?? '') : [frame.name],
    value: shownValue(frame),
  }));
  return { columns, rows };
}

export interface SortOrder {
  column: number;
  descending: boolean;
}

export function sortRows(model: TableModel, order: SortOrder | null): TableModel['rows'] {
  if (!order) return model.rows;
  const valueColumn = model.columns.length - 1;
  const direction = order.descending ? -1 : 1;
  return [...model.rows].sort((a, b) => {
    if (order.column === valueColumn) {
      // Rows without a value go last in either direction.
      if (a.value === null || b.value === null) return a.value === b.value ? 0 : a.value === null ? 1 : -1;
      return (a.value - b.value) * direction;
    }
    const left = a.cells[order.column] ?? '';
    const right = b.cells[order.column] ?? '';
    return left.localeCompare(right, undefined, { numeric: true }) * direction;
  });
}

/** Grafana's `sortBy: [{displayName, desc}]` option as a sort order, if it names a column. */
export function initialOrder(
  model: TableModel,
  options: Record<string, unknown> | undefined,
): SortOrder | null {
  const sortBy = Array.isArray(options?.sortBy)
    ? (options.sortBy[0] as { displayName?: string; desc?: boolean } | undefined)
    : undefined;
  if (!sortBy?.displayName) return null;
  const column = model.columns.indexOf(sortBy.displayName);
  const index = column === -1 ? model.columns.length - 1 : column;
  return { column: index, descending: Boolean(sortBy.desc) };
}
