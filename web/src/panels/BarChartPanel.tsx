import { formatText } from '../format/units';
import { shownValue } from './describe';
import { seriesStyle } from './seriesStyle';
import type { PanelProps } from './types';

/** One bar per series (its reduced or last value), labelled with name and value. */
export function BarChartPanel({ panel, data, theme, width, height, describedBy }: PanelProps) {
  const defaults = data.fieldConfig;
  const bars = data.frames.map((frame) => ({ name: frame.name, value: shownValue(frame) ?? 0 }));
  const top = Math.max(...bars.map((bar) => bar.value), defaults.max ?? 0, 0);
  const bottom = Math.min(...bars.map((bar) => bar.value), defaults.min ?? 0, 0);
  const span = top - bottom || 1;
  const labelSpace = 30;
  const valueSpace = 16;
  const plotHeight = Math.max(height - labelSpace - valueSpace, 10);
  const slot = width / Math.max(bars.length, 1);
  const barWidth = Math.max(Math.min(slot * 0.7, 80), 2);
  const zeroY = valueSpace + (top / span) * plotHeight;
  return (
    <svg
      class="barchart"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${panel.title || 'Bar chart'}: bar chart`}
      aria-describedby={describedBy}
    >
      <line x1="0" x2={width} y1={zeroY} y2={zeroY} class="axis-line" />
      {bars.map((bar, index) => {
        const x = slot * index + (slot - barWidth) / 2;
        const barHeight = (Math.abs(bar.value) / span) * plotHeight;
        const y = bar.value >= 0 ? zeroY - barHeight : zeroY;
        const style = seriesStyle(index, theme);
        return (
          <g key={bar.name + index}>
            <rect x={x} y={y} width={barWidth} height={Math.max(barHeight, 1)} fill={style.color} rx="2" />
            <text x={x + barWidth / 2} y={y - 4} text-anchor="middle" class="bar-value">
              {formatText(bar.value, defaults.unit, defaults.decimals)}
            </text>
            <text x={x + barWidth / 2} y={height - 10} text-anchor="middle" class="bar-label">
              {bar.name.length > slot / 6.5
                ? `${bar.name.slice(0, Math.max(Math.floor(slot / 6.5) - 1, 1))}…`
                : bar.name}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
