import { useMemo, useState } from 'preact/hooks';
import { VALUE_COLUMN, nextSort, sortRows, type InstantTable, type TableSort } from './instantTable';

// Enough for any question a person reads row by row; the count says when there are more.
const MAX_ROWS = 1000;

interface Props {
  table: InstantTable;
  caption: string;
}

function SortHeader({
  column,
  label,
  sort,
  onSort,
  numeric,
}: {
  column: string;
  label: string;
  sort: TableSort | null;
  onSort(column: string): void;
  numeric?: boolean;
}) {
  const direction = sort?.column === column ? sort.direction : undefined;
  return (
    <th scope="col" aria-sort={direction ?? 'none'} class={numeric ? 'numeric' : undefined}>
      <button type="button" class="sort-button" onClick={() => onSort(column)}>
        {label}
        <span class="sort-arrow" aria-hidden="true">
          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

/** An instant query's series, one per row with a column per label, sortable by any column. */
export function InstantResultTable({ table, caption }: Props) {
  const [sort, setSort] = useState<TableSort | null>(null);
  const rows = useMemo(() => (sort ? sortRows(table.rows, sort) : table.rows), [table.rows, sort]);
  const onSort = (column: string): void => setSort((current) => nextSort(current, column));
  const shown = rows.slice(0, MAX_ROWS);

  return (
    <div class="table-scroll explore-table" tabIndex={0} role="region" aria-label={caption}>
      <table class="data-table">
        <caption>
          {caption}
          {rows.length > MAX_ROWS && ` (the first ${MAX_ROWS} of ${rows.length} series)`}
        </caption>
        <thead>
          <tr>
            {table.labelColumns.map((name) => (
              <SortHeader key={name} column={name} label={name} sort={sort} onSort={onSort} />
            ))}
            <SortHeader column={VALUE_COLUMN} label="Value" sort={sort} onSort={onSort} numeric />
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key}>
              {table.labelColumns.map((name) => (
                <td key={name}>{row.labels[name] ?? ''}</td>
              ))}
              <td class="numeric" data-column="value">
                {row.value}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
