import { formatText } from '../format/units';
import { shownValue } from './describe';
import { pointAt } from './gaugeGeometry';
import { seriesStyle } from './seriesStyle';
import type { PanelProps } from './types';

function slicePath(from: number, to: number, outer: number, inner: number): string {
  // A full circle cannot be one arc: split it so the path stays valid.
  if (to - from >= 359.99)
    return `${slicePath(from, from + 180, outer, inner)}${slicePath(from + 180, to, outer, inner)}`;
  const large = to - from > 180 ? 1 : 0;
  const [x0, y0] = pointAt(0, 0, outer, from);
  const [x1, y1] = pointAt(0, 0, outer, to);
  if (inner <= 0) return `M0,0L${x0},${y0}A${outer},${outer} 0 ${large} 1 ${x1},${y1}Z`;
  const [x2, y2] = pointAt(0, 0, inner, to);
  const [x3, y3] = pointAt(0, 0, inner, from);
  return `M${x0},${y0}A${outer},${outer} 0 ${large} 1 ${x1},${y1}L${x2},${y2}A${inner},${inner} 0 ${large} 0 ${x3},${y3}Z`;
}

/** Pie or donut of the series' reduced values, with a legend that gives value and share. */
export function PiePanel({ panel, data, theme, width, height, describedBy }: PanelProps) {
  const defaults = data.fieldConfig;
  const slices = data.frames
    .map((frame, index) => ({
      name: frame.name,
      value: Math.max(shownValue(frame) ?? 0, 0),
      style: seriesStyle(index, theme),
    }))
    .filter((slice) => slice.value > 0);
  const total = slices.reduce((sum, slice) => sum + slice.value, 0);
  const donut = panel.options?.pieType === 'donut';
  const side = width > height * 1.6 ? 'row' : 'column';
  const diameter = Math.max(
    Math.min(side === 'row' ? height : height * 0.6, side === 'row' ? width * 0.5 : width) - 8,
    20,
  );
  let angle = 0;
  return (
    <div class={`pie pie-${side}`}>
      <svg
        width={diameter}
        height={diameter}
        viewBox="-52 -52 104 104"
        role="img"
        aria-label={`${panel.title || 'Pie chart'}: ${donut ? 'donut' : 'pie'} chart of ${slices.length} parts`}
        aria-describedby={describedBy}
      >
        {slices.map((slice) => {
          const sweep = (slice.value / total) * 360;
          const path = slicePath(angle, angle + sweep, 50, donut ? 30 : 0);
          angle += sweep;
          return (
            <path key={slice.name} d={path} fill={slice.style.color} class="pie-slice" stroke-width="1" />
          );
        })}
      </svg>
      <ul class="pie-legend">
        {slices.map((slice) => (
          <li key={slice.name}>
            <span class="swatch" style={{ background: slice.style.color }} aria-hidden="true" />
            <span class="pie-name">{slice.name}</span>
            <span class="pie-value">
              {formatText(slice.value, defaults.unit, defaults.decimals)} ·{' '}
              {((slice.value / total) * 100).toFixed(1)}%
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
