// The keyboard path through a time series chart: keys move a cursor over the points
// (pointNavigation), the chart shows it with its crosshair and tooltip, and a live region says
// the point's series, time and value.

import type { RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { Columns } from './align';
import { NAVIGATION_KEYS, moveCursor, type PointCursor } from './pointNavigation';

/** What the live region says about the point under the keyboard cursor. */
export interface PointReading {
  text: string;
  series: string;
  timeMs: number;
  value: number;
}

interface Options {
  chart: RefObject<uPlot | null>;
  columns: Columns;
  names: string[];
  hidden: Set<number>;
  read(name: string, timeMs: number, value: number): string;
}

export interface KeyboardCursor {
  /** The point the keyboard chose, while the keyboard (not the pointer) leads. */
  cursor: RefObject<PointCursor | null>;
  reading: PointReading | null;
  onKeyDown(event: KeyboardEvent): void;
  /** The pointer took over, or focus left: the chart follows the pointer again. */
  release(): void;
}

export function useKeyboardCursor({ chart, columns, names, hidden, read }: Options): KeyboardCursor {
  const cursor = useRef<PointCursor | null>(null);
  const [reading, setReading] = useState<PointReading | null>(null);

  const show = (point: PointCursor): void => {
    const plot = chart.current;
    const time = columns.xs[point.index];
    const value = columns.ys[point.series]?.[point.index];
    if (!plot || time === undefined || value === null || value === undefined) return;
    cursor.current = point;
    // Stacked series are drawn at their running total: the crosshair goes where the line is.
    const drawn = (plot.data[point.series + 1]?.[point.index] as number | null | undefined) ?? value;
    plot.setCursor({ left: plot.valToPos(time, 'x'), top: plot.valToPos(drawn, 'y') });
    plot.setSeries(point.series + 1, { focus: true });
    const name = names[point.series] ?? '';
    setReading({ text: read(name, time * 1000, value), series: name, timeMs: time * 1000, value });
  };

  const release = (): void => {
    if (!cursor.current) return;
    cursor.current = null;
    setReading(null);
    const plot = chart.current;
    if (!plot) return;
    plot.setCursor({ left: -10, top: -10 });
    plot.setSeries(null, { focus: true }); // every series in full colour again
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && cursor.current) {
      event.stopPropagation();
      release();
      return;
    }
    if (!NAVIGATION_KEYS.has(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const next = moveCursor(cursor.current, event.key, columns, (series) => !hidden.has(series));
    if (next) show(next);
  };

  // New data (a refresh, a live point) moves the cursor's point: it stays on the same time.
  const shownAt = useRef(columns);
  useLayoutEffect(() => {
    const before = shownAt.current;
    shownAt.current = columns;
    const point = cursor.current;
    if (!point || before === columns) return;
    const index = columns.xs.indexOf(before.xs[point.index] ?? NaN);
    if (index === -1) release();
    else show({ series: point.series, index });
  }, [columns]);

  return { cursor, reading, onKeyDown, release };
}
