import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { useElementSize } from '../app/useElementSize';
import { formatText } from '../format/units';
import { heatmapRows, scaleColor, valueBounds } from './heatmapScale';
import { CHART_THEME } from './seriesStyle';
import type { PanelProps } from './types';

const LABEL_WIDTH = 84;
const AXIS_HEIGHT = 18;
const HIGH = '#8B5CF6';
// Empty-looking cells are a shade off the panel, so "low" differs from "no sample".
const LOW = { dark: '#1A1A1F', light: '#F4F1FD' } as const;

const timeLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Time across, one row per series, colour for value; drawn on a canvas. */
export function HeatmapPanel({ panel, data, theme, range, describedBy, onDrawn }: PanelProps) {
  const [boxRef, size] = useElementSize<HTMLDivElement>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const rows = useMemo(() => heatmapRows(data.frames), [data.frames]);
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
    const plotWidth = size.width - LABEL_WIDTH;
    const plotHeight = size.height - AXIS_HEIGHT;
    const rowHeight = plotHeight / Math.max(rows.length, 1);
    const step = data.stepMs ?? Math.max((to - from) / 200, 1);
    const cellWidth = Math.max((step / (to - from)) * plotWidth, 1);
    const [minValue, maxValue] = bounds;
    const colors = CHART_THEME[theme];
    rows.forEach((frame, rowIndex) => {
      const y = plotHeight - (rowIndex + 1) * rowHeight;
      frame.timestamps.forEach((timestamp, index) => {
        const value = frame.values[index];
        if (value === null || value === undefined || !Number.isFinite(value)) return;
        const x = LABEL_WIDTH + ((timestamp - from) / (to - from)) * plotWidth;
        if (x + cellWidth < LABEL_WIDTH || x > size.width) return;
        ctx.fillStyle = scaleColor((value - minValue) / (maxValue - minValue || 1), low, HIGH);
        ctx.fillRect(x, y + 0.5, cellWidth + 0.5, Math.max(rowHeight - 1, 1));
      });
      if (rowHeight >= 10) {
        ctx.fillStyle = colors.axis;
        ctx.font = '11px Inter, system-ui, sans-serif';
        ctx.textBaseline = 'middle';
        const label = frame.name.length > 12 ? `${frame.name.slice(0, 11)}…` : frame.name;
        ctx.fillText(label, 2, y + rowHeight / 2);
      }
    });
    ctx.fillStyle = colors.axis;
    ctx.textBaseline = 'top';
    for (let tick = 0; tick <= 4; tick += 1) {
      const ms = from + ((to - from) * tick) / 4;
      const text = timeLabel.format(ms);
      const x = LABEL_WIDTH + (plotWidth * tick) / 4;
      ctx.textAlign = tick === 0 ? 'left' : tick === 4 ? 'right' : 'center';
      ctx.fillText(text, x, plotHeight + 4);
    }
    onDrawn();
  }, [rows, bounds, size.width, size.height, theme, range[0], range[1]]);

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
