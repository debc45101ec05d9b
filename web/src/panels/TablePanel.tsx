import { useMemo, useState } from 'preact/hooks';
import { formatText } from '../format/units';
import { initialOrder, sortRows, tableModel, type SortOrder } from './tableModel';
import type { PanelProps } from './types';

export function TablePanel({ panel, data }: PanelProps) {
  const model = useMemo(() => tableModel(data.frames), [data.frames]);
  const [order, setOrder] = useState<SortOrder | null>(() => initialOrder(model, panel.options));
  const rows = sortRows(model, order);
  const defaults = data.fieldConfig;
  const valueColumn = model.columns.length - 1;

  const sortBy = (column: number): void =>
    setOrder((before) =>
      before?.column === column
        ? { column, descending: !before.descending }
        : { column, descending: column === valueColumn },
    );

  return (
    <div class="table-scroll" tabIndex={0} aria-label={`${panel.title || 'Table'} (scrollable)`}>
      <table class="data-table">
        <thead>
          <tr>
            {model.columns.map((name, column) => {
              const sorted = order?.column === column;
              return (
                <th
                  key={name}
                  scope="col"
                  class={column === valueColumn ? 'numeric' : undefined}
                  aria-sort={sorted ? (order.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button type="button" onClick={() => sortBy(column)}>
                    {name}
                    <span class="sort-mark" aria-hidden="true">
                      {sorted ? (order.descending ? '▼' : '▲') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, index) => (
                <td key={index}>{cell}</td>
              ))}
              <td class="numeric">
                {formatText(row.value, defaults.unit, defaults.decimals, defaults.noValue ?? '–')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
