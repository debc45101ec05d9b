import type { FieldDefaults, Frame } from '../api/types';
import { useMemo } from 'preact/hooks';
import { useTimeZone } from '../format/time';
import { formatText } from '../format/units';
import { alignFrames } from './timeseries/align';
import { summarize } from './describe';

const MAX_ROWS = 500;

interface TableProps {
  frames: Frame[];
  defaults: FieldDefaults;
  caption: string;
}

/** Each series' last, lowest, highest and mean value: the chart's numbers in a table. */
export function SummaryTable({ frames, defaults, caption }: TableProps) {
  const format = (value: number | null): string => formatText(value, defaults.unit, defaults.decimals, '–');
  return (
    <table class="data-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Series</th>
          <th scope="col" class="numeric">
            Last
          </th>
          <th scope="col" class="numeric">
            Min
          </th>
          <th scope="col" class="numeric">
            Max
          </th>
          <th scope="col" class="numeric">
            Mean
          </th>
        </tr>
      </thead>
      <tbody>
        {frames.map((frame, index) => {
          const summary = summarize(frame);
          return (
            <tr key={`${frame.name}:${index}`}>
              <th scope="row">{frame.name}</th>
              <td class="numeric">{format(summary.last)}</td>
              <td class="numeric">{format(summary.min)}</td>
              <td class="numeric">{format(summary.max)}</td>
              <td class="numeric">{format(summary.mean)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Every point: a row per time (newest first), a column per series. */
export function PointsTable({ frames, defaults, caption }: TableProps) {
  const timeZone = useTimeZone();
  const timeFormat = useMemo(
    () => new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium', timeZone }),
    [timeZone],
  );
  const columns = alignFrames(frames);
  const order = columns.xs
    .map((_, index) => index)
    .reverse()
    .slice(0, MAX_ROWS);
  return (
    <table class="data-table">
      <caption>
        {caption}
        {columns.xs.length > MAX_ROWS ? ` (newest ${MAX_ROWS} of ${columns.xs.length} times)` : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          {frames.map((frame, index) => (
            <th scope="col" class="numeric" key={`${frame.name}:${index}`}>
              {frame.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {order.map((row) => (
          <tr key={columns.xs[row]}>
            <th scope="row">{timeFormat.format((columns.xs[row] ?? 0) * 1000)}</th>
            {columns.ys.map((column, series) => (
              <td class="numeric" key={series}>
                {formatText(column[row] ?? null, defaults.unit, defaults.decimals, '–')}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
