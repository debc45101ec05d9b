import 'uplot/dist/uPlot.min.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { useElementSize } from '../../app/useElementSize';
import { formatText } from '../../format/units';
import { summarize } from '../describe';
import { seriesStyle } from '../seriesStyle';
import type { PanelProps } from '../types';
import { alignFrames, stackColumns, type Columns } from './align';
import { Legend } from './Legend';
import { plotOptions } from './plotOptions';
import { momentFormatIn, useTimeZone } from '../../format/time';
import { useKeyboardCursor } from './useKeyboardCursor';

function isStacked(custom: Record<string, unknown> | undefined): boolean {
  const stacking = custom?.stacking as { mode?: string } | undefined;
  return stacking?.mode === 'normal';
}

/**
 * The hover box: the time and each shown series' value (as measured, not as stacked).
 * `keyboardSeries` is the series the keyboard cursor is on, if the keyboard leads.
 */
function drawTooltip(
  box: HTMLElement,
  u: uPlot,
  columns: Columns,
  names: string[],
  format: (v: number | null) => string,
  keyboardSeries: number | null,
  moment: Intl.DateTimeFormat,
): void {
  const index = u.cursor.idx;
  const left = u.cursor.left ?? -1;
  // Only the chart under the pointer (or the keyboard) shows values; the others follow with
  // their crosshair.
  if (index === null || index === undefined || left < 0 || (!u.cursor.event && keyboardSeries === null)) {
    box.hidden = true;
    return;
  }
  const time = columns.xs[index];
  if (time === undefined) return;
  const rows = names
    .map((name, series) => ({ name, value: columns.ys[series]?.[index] ?? null, series }))
    .filter((row) => u.series[row.series + 1]?.show !== false)
    .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
  box.replaceChildren();
  const heading = document.createElement('div');
  heading.className = 'tooltip-time';
  heading.textContent = moment.format(time * 1000);
  box.append(heading);
  for (const row of rows.slice(0, 12)) {
    const line = document.createElement('div');
    line.className = row.series === keyboardSeries ? 'tooltip-row tooltip-current' : 'tooltip-row';
    const swatch = document.createElement('span');
    swatch.className = 'tooltip-swatch';
    swatch.style.background = String(u.series[row.series + 1]?.stroke ?? '');
    const name = document.createElement('span');
    name.className = 'tooltip-name';
    name.textContent = row.name;
    const value = document.createElement('span');
    value.className = 'tooltip-value';
    value.textContent = format(row.value);
    line.append(swatch, name, value);
    box.append(line);
  }
  box.hidden = false;
  const overLeft = u.over.offsetLeft;
  const flip = left > u.over.clientWidth / 2;
  box.style.left = `${overLeft + left + (flip ? -box.offsetWidth - 12 : 12)}px`;
  box.style.top = `${u.over.offsetTop + 4}px`;
}

export function TimeSeriesPanel({
  panel,
  data,
  theme,
  range,
  syncKey,
  onZoom,
  describedBy,
  onDrawn,
}: PanelProps) {
  const [plotRef, size] = useElementSize<HTMLDivElement>();
  const tooltip = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const defaults = data.fieldConfig;
  const stacked = isStacked(defaults.custom);
  const names = data.frames.map((frame) => frame.name);
  const styles = names.map((_, index) => seriesStyle(index, theme));
  const columns = useMemo(() => alignFrames(data.frames), [data.frames]);
  const summaries = useMemo(() => data.frames.map(summarize), [data.frames]);

  // Callbacks read the newest values through refs: the chart is built once per structure.
  const latest = useRef({ range, onZoom, columns, names, defaults });
  latest.current = { range, onZoom, columns, names, defaults };
  const hintId = `${describedBy}-keys`;

  const timeZone = useTimeZone();
  const moment = momentFormatIn(timeZone);
  const structure = JSON.stringify([names, theme, stacked, defaults, syncKey, timeZone]);
  const ready = size.width > 0 && size.height > 0;
  // Layout effects: the chart draws in the same turn as the panel is laid out.
  useLayoutEffect(() => {
    const target = plotRef.current;
    if (!target || !ready) return undefined;
    const format = (value: number | null): string =>
      formatText(value, latest.current.defaults.unit, latest.current.defaults.decimals, '–');
    const options = plotOptions({
      names,
      styles,
      defaults,
      theme,
      stacked,
      syncKey,
      width: size.width,
      height: size.height,
      timeZone,
      xRange: () => latest.current.range,
      onSelect: (from, to) => latest.current.onZoom(from, to),
      onCursor: (u) => {
        if (tooltip.current)
          drawTooltip(
            tooltip.current,
            u,
            latest.current.columns,
            latest.current.names,
            format,
            keyboard.cursor.current?.series ?? null,
            moment,
          );
      },
    });
    const plot = new uPlot(options, toData(columns, stacked), target);
    chart.current = plot;
    target.prepend(plot.root); // keeps the tooltip box after the chart in the same container
    onDrawn();
    return () => {
      plot.destroy();
      chart.current = null;
    };
    // The chart is rebuilt when its structure changes; data and size are applied below.
  }, [structure, ready]);

  useLayoutEffect(() => {
    chart.current?.setData(toData(columns, stacked));
  }, [columns, stacked, range[0], range[1]]);

  // After setData above: a cursor kept on new data is placed on the chart as redrawn.
  const keyboard = useKeyboardCursor({
    chart,
    columns,
    names,
    hidden,
    read: (name, timeMs, value) =>
      `${name}, ${moment.format(timeMs)}: ${formatText(value, defaults.unit, defaults.decimals)}`,
  });

  useLayoutEffect(() => {
    if (ready) chart.current?.setSize({ width: size.width, height: size.height });
  }, [size.width, size.height, ready]);

  useEffect(() => {
    const plot = chart.current;
    if (!plot) return;
    names.forEach((_, index) => plot.setSeries(index + 1, { show: !hidden.has(index) }));
  }, [hidden, structure]);

  const toggle = (index: number): void =>
    setHidden((before) => {
      const after = new Set(before);
      if (after.has(index)) after.delete(index);
      else after.add(index);
      return after;
    });

  return (
    <div class="timeseries">
      <div
        class="plot"
        ref={plotRef}
        role="img"
        tabIndex={0}
        aria-label={`${panel.title || 'Time series'}: time series chart`}
        aria-describedby={`${describedBy} ${hintId}`}
        onKeyDown={keyboard.onKeyDown}
        onBlur={keyboard.release}
        onPointerMove={keyboard.release}
      >
        <div class="tooltip" ref={tooltip} hidden aria-hidden="true" />
      </div>
      <p id={hintId} class="sr-only">
        Arrow keys read the values: left and right move between points, up and down between series, Home and
        End go to the first and last point.
      </p>
      {/* The data attributes hold the reading's numbers unformatted, for tools that check it. */}
      <p
        class="sr-only chart-reading"
        aria-live="polite"
        data-series={keyboard.reading?.series}
        data-time={keyboard.reading?.timeMs}
        data-value={keyboard.reading?.value}
      >
        {keyboard.reading?.text ?? ''}
      </p>
      {panel.options?.legend === undefined ||
      (panel.options.legend as { showLegend?: boolean }).showLegend !== false ? (
        <Legend
          series={summaries.map((summary, index) => ({ summary, style: styles[index]! }))}
          hidden={hidden}
          defaults={defaults}
          onToggle={toggle}
        />
      ) : null}
    </div>
  );
}

function toData(columns: Columns, stacked: boolean): uPlot.AlignedData {
  const ys = stacked ? stackColumns(columns.ys) : columns.ys;
  return [columns.xs, ...ys] as uPlot.AlignedData;
}
