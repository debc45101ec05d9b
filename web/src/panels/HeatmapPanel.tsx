import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { useElementSize } from '../app/useElementSize';
import { useTimeZone } from '../format/time';
import { formatText } from '../format/units';
import { heatmapRows, labelledRows, scaleColor, valueBounds } from './heatmapScale';
import { CHART_THEME } from './seriesStyle';
import { timeTickLabels, timeTicks } from './timeAxis';
import type { PanelProps } from './types';

const AXIS_HEIGHT = 18;
const FONT = '11px Inter, system-ui, sans-serif';
const LABEL_GAP = 6;
const HIGH = '#8B5CF6';
// Empty-looking cells are a shade off the panel, so "low" differs from "no sample".
const LOW = { dark: '#1A1A1F', light: '#F4F1FD' } as const;

/** `text` cut with an ellipsis to fit `width` pixels in the context's font. */
function fitted(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let end = text.length;
  while (end > 1 && ctx.measureText(`${text.slice(0, end)}…`).width > width) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Time across, one row per series, colour for value; drawn on a canvas. */
export function HeatmapPanel({ panel, data, theme, range, describedBy, onDrawn }: PanelProps) {
  const [boxRef, size] = useElementSize<HTMLDivElement>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const rows = useMemo(() => heatmapRows(data.frames), [data.frames]);
  const timeZone = useTimeZone();
  const bounds = useMemo(() => valueBounds(rows), [rows]);
  const unit = data.fieldConfig.unit ?? (panel.options?.yAxis as { unit?: string } | undefined)?.unit;
  const low = LOW[theme];

  useLayoutEffect(() => {
    const element = canvas.current;
    if (!element || !size.width || !size.height) return;
    if (!bounds) {
      onDrawn(); // every value is a gap: there is nothing to draw
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    element.width = Math.round(size.width * ratio);
    element.height = Math.round(size.height * ratio);
    const ctx = element.getContext('2d');
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, size.width, size.height);
    const [from, to] = range;
    const colors = CHART_THEME[theme];
    ctx.font = FONT;
    // The names column is as wide as the longest name, up to a third of the panel.
    const longest = Math.max(0, ...rows.map((frame) => ctx.measureText(frame.name).width));
    const labelWidth = Math.round(Math.min(longest, size.width / 3)) + LABEL_GAP;
    const plotWidth = size.width - labelWidth;
    const plotHeight = size.height - AXIS_HEIGHT;
    const rowHeight = plotHeight / Math.max(rows.length, 1);
    const step = data.stepMs ?? Math.max((to - from) / 200, 1);
    const cellWidth = Math.max((step / (to - from)) * plotWidth, 1);
    const [minValue, maxValue] = bounds;
    const top = (rowIndex: number): number => plotHeight - (rowIndex + 1) * rowHeight;
    rows.forEach((frame, rowIndex) => {
      const y = top(rowIndex);
      frame.timestamps.forEach((timestamp, index) => {
        const value = frame.values[index];
        if (value === null || value === undefined || !Number.isFinite(value)) return;
        const x = labelWidth + ((timestamp - from) / (to - from)) * plotWidth;
        if (x + cellWidth < labelWidth || x > size.width) return;
        ctx.fillStyle = scaleColor((value - minValue) / (maxValue - minValue || 1), low, HIGH);
        ctx.fillRect(x, y + 0.5, cellWidth + 0.5, Math.max(rowHeight - 1, 1));
      });
    });
    ctx.fillStyle = colors.axis;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (const rowIndex of labelledRows(rows.length, rowHeight)) {
      const name = rows[rowIndex]?.name ?? '';
      const middle = top(rowIndex) + rowHeight / 2;
      ctx.fillText(fitted(ctx, name, labelWidth - LABEL_GAP), labelWidth - LABEL_GAP, middle);
    }
    ctx.textBaseline = 'top';
    const { ticks, stepMs } = timeTicks(from, to, Math.max(Math.floor(plotWidth / 110), 2), timeZone);
    const labels = timeTickLabels(ticks, stepMs, { timeZone });
    ticks.forEach((ms, index) => {
      const x = labelWidth + ((ms - from) / (to - from)) * plotWidth;
      const text = labels[index] ?? '';
      const half = ctx.measureText(text).width / 2;
      ctx.textAlign = 'center';
      // Labels stay inside the plot's width, as uPlot keeps the time series' labels.
      ctx.fillText(text, Math.min(Math.max(x, labelWidth + half), size.width - half), plotHeight + 4);
    });
    onDrawn();
  }, [rows, bounds, size.width, size.height, theme, range[0], range[1], timeZone]);

  return (
    <div class="heatmap">
      <div class="heatmap-canvas" ref={boxRef}>
        <canvas
          ref={canvas}
          style={{ width: `${size.width}px`, height: `${size.height}px` }}
          role="img"
          aria-label={`${panel.title || 'Heatmap'}: heatmap of ${rows.length} rows over time`}
          aria-describedby={describedBy}
        />
      </div>
      {bounds && (
        <div class="heatmap-scale" aria-hidden="true">
          <span>{formatText(bounds[0], unit)}</span>
          <span
            class="heatmap-gradient"
            style={{ background: `linear-gradient(to right, ${low}, ${HIGH})` }}
          />
          <span>{formatText(bounds[1], unit)}</span>
        </div>
      )}
    </div>
  );
}
