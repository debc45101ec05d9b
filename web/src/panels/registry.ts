import { AlertListPanel } from './AlertListPanel';
import { BarChartPanel } from './BarChartPanel';
import { BarGaugePanel } from './BarGaugePanel';
import { EventLogPanel } from './EventLogPanel';
import { GaugePanel } from './GaugePanel';
import { HeatmapPanel } from './HeatmapPanel';
import { PiePanel } from './PiePanel';
import { PlaceholderPanel, UnknownPanel } from './PlaceholderPanel';
import { StatPanel } from './StatPanel';
import { TablePanel } from './TablePanel';
import { TextPanel } from './TextPanel';
import { TimeSeriesPanel } from './timeseries/TimeSeriesPanel';
import type { PanelRenderer } from './types';

const RENDERERS: Record<string, PanelRenderer> = {
  stat: StatPanel,
  gauge: GaugePanel,
  bargauge: BarGaugePanel,
  timeseries: TimeSeriesPanel,
  barchart: BarChartPanel,
  piechart: PiePanel,
  heatmap: HeatmapPanel,
  table: TablePanel,
  text: TextPanel,
  alertlist: AlertListPanel,
  logs: EventLogPanel,
  placeholder: PlaceholderPanel,
};

export function rendererFor(type: string): PanelRenderer {
  return RENDERERS[type] ?? UnknownPanel;
}

/** Panels that draw without query data (they never wait for the data API). */
export const STATIC_TYPES = new Set(['text', 'placeholder']);

/** Panels that draw their data as a chart (they get a data-table fallback and a description). */
export const CHART_TYPES: Record<string, string> = {
  timeseries: 'Time series',
  barchart: 'Bar chart',
  piechart: 'Pie chart',
  heatmap: 'Heatmap',
  gauge: 'Gauge',
  stat: 'Stat',
  bargauge: 'Bar gauge',
};

/** Panels drawn on a canvas after rendering: they say when they have drawn (onDrawn). */
export const CANVAS_TYPES = new Set(['timeseries', 'heatmap']);

/** Panels whose data is drawn over time (the data table lists every point, not a summary). */
export const TIME_TYPES = new Set(['timeseries', 'heatmap']);
