// A range query's matrix as the frames panels draw, so Explore's graph is the dashboards' own
// time series panel.

import type { Frame, PromQueryData } from '../api/types';
import { sampleNumber } from './instantTable';

const METRIC_NAME = '__name__';

/** A series' name as Prometheus prints it: up{instance="a:9100", job="node"}. */
export function seriesName(labels: Record<string, string>): string {
  const name = labels[METRIC_NAME] ?? '';
  const pairs = Object.keys(labels)
    .filter((label) => label !== METRIC_NAME)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`);
  if (!pairs.length) return name || '{}';
  return `${name}{${pairs.join(', ')}}`;
}

export function rangeFrames(data: PromQueryData): Frame[] {
  if (data.resultType !== 'matrix') return [];
  return data.result.map((series) => ({
    refId: 'A',
    name: seriesName(series.metric),
    labels: series.metric,
    timestamps: series.values.map(([seconds]) => Math.round(seconds * 1000)),
    values: series.values.map(([, text]) => {
      const value = sampleNumber(text);
      return Number.isFinite(value) ? value : null;
    }),
  }));
}
