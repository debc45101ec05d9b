// uPlot options for a time series panel: Grafana's field config (unit, min/max, line width,
// fill opacity, stacking, threshold lines) in uPlot's terms, with the UI's theme and palette.

import uPlot from 'uplot';
import type { FieldDefaults } from '../../api/types';
import type { ThemeName } from '../../app/theme';
import { formatText } from '../../format/units';
import { CHART_THEME, statusFillColor, withAlpha, type SeriesStyle } from '../seriesStyle';
import { timeTickLabels } from '../timeAxis';
import { stackBands } from './align';
import { durationSteps } from './axisSteps';

const FONT = '11px Inter, system-ui, -apple-system, "Segoe UI", sans-serif';

export interface PlotSettings {
  names: string[];
  styles: SeriesStyle[];
  defaults: FieldDefaults;
  theme: ThemeName;
  stacked: boolean;
  syncKey: string;
  width: number;
  height: number;
  /** The zone of the time axis (the viewer's own when undefined). */
  timeZone?: string;
  /** The x range (ms) the chart spans: the dashboard's range, not just where points are. */
  xRange: () => [number, number];
  onSelect(fromMs: number, toMs: number): void;
  onCursor(u: uPlot): void;
}

function custom<T>(defaults: FieldDefaults, key: string, fallback: T): T {
  const value = defaults.custom?.[key];
  return (value as T | undefined) ?? fallback;
}

/** Horizontal lines at the threshold steps (Grafana's thresholdsStyle "line"/"dashed"). */
function thresholdLines(defaults: FieldDefaults, theme: ThemeName): uPlot.Plugin {
  const style = (custom<{ mode?: string }>(defaults, 'thresholdsStyle', {}).mode ?? 'off').toLowerCase();
  const steps = (defaults.thresholds?.steps ?? []).filter((step) => typeof step.value === 'number');
  return {
    hooks: {
      draw: (u) => {
        if (!['line', 'dashed', 'line+area', 'dashed+area'].includes(style)) return;
        const { ctx, bbox } = u;
        ctx.save();
        // Fainter and more finely dashed than any series: a reference, not data.
        ctx.globalAlpha = 0.6;
        ctx.lineWidth = uPlot.pxRatio;
        ctx.setLineDash([3 * uPlot.pxRatio, 5 * uPlot.pxRatio]);
        for (const step of steps) {
          const y = u.valToPos(step.value as number, 'y', true);
          if (y < bbox.top || y > bbox.top + bbox.height) continue;
          ctx.strokeStyle = statusFillColor(step.color, theme);
          ctx.beginPath();
          ctx.moveTo(bbox.left, y);
          ctx.lineTo(bbox.left + bbox.width, y);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

// About the width of a character of the axis font, to keep labels inside the canvas.
const CHARACTER_PX = 6.2;

/** Whether a label centred on an x tick ends inside the chart, not cut off at its right edge. */
function fitsRight(u: uPlot, seconds: number, label: string): boolean {
  const x = u.bbox.left / uPlot.pxRatio + u.valToPos(seconds, 'x');
  return x + (label.length * CHARACTER_PX) / 2 <= u.width;
}

export function plotOptions(settings: PlotSettings): uPlot.Options {
  const { defaults, theme, styles } = settings;
  const colors = CHART_THEME[theme];
  const lineWidth = custom(defaults, 'lineWidth', 1.5);
  // Stacked series are areas: a band with no fill would show only lines that add up.
  const ownOpacity = custom(defaults, 'fillOpacity', 0) / 100;
  const fillOpacity = settings.stacked ? Math.max(ownOpacity, 0.25) : ownOpacity;
  const showPoints = custom<string>(defaults, 'showPoints', 'auto') === 'always';
  const spanGaps = custom<unknown>(defaults, 'spanNulls', false) === true;
  const axis = (): uPlot.Axis => ({
    stroke: colors.axis,
    font: FONT,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1, size: 4 },
  });
  const { timeZone } = settings;
  return {
    width: settings.width,
    height: settings.height,
    // uPlot places its time splits on the clock of this zone: midnight, whole hours.
    ...(timeZone ? { tzDate: (seconds: number) => uPlot.tzDate(new Date(seconds * 1000), timeZone) } : {}),
    padding: [8, 14, 0, 0],
    legend: { show: false }, // the panel draws its own, as buttons
    cursor: {
      sync: { key: settings.syncKey, setSeries: false },
      drag: { x: true, y: false, setScale: false },
      points: { size: 6 },
      focus: { prox: 16 },
    },
    select: { show: true, left: 0, top: 0, width: 0, height: 0 },
    focus: { alpha: 0.4 },
    scales: {
      x: { time: true, range: () => settings.xRange().map((ms) => ms / 1000) as [number, number] },
      y: {
        range: (_u, low, high) => {
          // Stacked areas start from zero: a band floating above the axis misstates the total.
          const bottom = settings.stacked && (low ?? 0) >= 0 ? 0 : (low ?? 0);
          const [autoLow, autoHigh] = uPlot.rangeNum(bottom, high ?? 1, 0.1, true);
          return [defaults.min ?? autoLow ?? 0, defaults.max ?? autoHigh ?? 1];
        },
      },
    },
    axes: [
      {
        ...axis(),
        space: 70,
        // One line a label (uPlot's own add the date on a second line under each day's first).
        size: 26,
        values: (u, splits, _axis, _space, step) =>
          timeTickLabels(
            splits.map((seconds) => seconds * 1000),
            step * 1000,
            { timeZone },
          ).map((label, index) => (fitsRight(u, splits[index] ?? 0, label) ? label : '')),
      },
      {
        ...axis(),
        ...(durationSteps(defaults.unit) ? { incrs: durationSteps(defaults.unit) } : {}),
        size: (_u, values) =>
          Math.max(36, Math.max(0, ...(values ?? []).map((v) => String(v).length)) * 6.5 + 14),
        values: (_u, splits) => splits.map((value) => formatText(value, defaults.unit)),
      },
    ],
    series: [
      {},
      ...settings.names.map((name, index): uPlot.Series => ({
        label: name,
        stroke: styles[index]?.color,
        dash: styles[index]?.dash,
        width: lineWidth,
        fill: fillOpacity > 0 && styles[index] ? withAlpha(styles[index].color, fillOpacity) : undefined,
        points: { show: showPoints },
        spanGaps,
      })),
    ],
    bands: settings.stacked
      ? stackBands(settings.names.length).map(([upper, lower]) => ({
          series: [upper, lower] as [number, number],
          fill: styles[upper - 1] ? withAlpha(styles[upper - 1]!.color, fillOpacity) : undefined,
        }))
      : [],
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width > 4) {
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            settings.onSelect(from, to);
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
      setCursor: [(u) => settings.onCursor(u)],
    },
    plugins: [thresholdLines(defaults, theme)],
  };
}
