// Live points into a panel's data: a reset message replaces the query's series, later messages
// append the points after what the panel holds and drop those that left the window.

import type { FieldDefaults, Frame, PanelData } from '../api/types';
import { reduceFrame } from '../panels/reduce';
import { labelsKey, legendName } from './legend';
import type { LiveData, LiveSeries } from './messages';

export interface MergeContext {
  /** The target's legend format, to name series that appear. */
  legendFormat?: string;
  /** How much history the panel shows: points older than the newest end minus this go. */
  windowMs: number;
  /** The reducer of panels that show one number per series (stat, gauge, ...). */
  calc: string;
}

function appendAfter(frame: Frame, series: LiveSeries): Frame {
  const last = frame.timestamps[frame.timestamps.length - 1] ?? -Infinity;
  const timestamps = [...frame.timestamps];
  const values = [...frame.values];
  series.timestamps.forEach((timestamp, index) => {
    if (timestamp > last) {
      timestamps.push(timestamp);
      values.push(series.values[index] ?? null);
    }
  });
  return { ...frame, timestamps, values };
}

function trimBefore(frame: Frame, oldest: number): Frame {
  const first = frame.timestamps.findIndex((timestamp) => timestamp >= oldest);
  if (first === 0) return frame;
  const keep = first === -1 ? frame.timestamps.length : first;
  return { ...frame, timestamps: frame.timestamps.slice(keep), values: frame.values.slice(keep) };
}

function newFrame(ref: string, series: LiveSeries, legendFormat?: string): Frame {
  return {
    refId: ref,
    name: legendName(series.labels, legendFormat),
    labels: series.labels,
    timestamps: [...series.timestamps],
    values: [...series.values],
  };
}

function withReduced(frame: Frame, context: MergeContext, defaults: FieldDefaults): Frame {
  return { ...frame, reduced: reduceFrame(frame.values, context.calc, defaults) };
}

/** The panel's data with one live message applied; `data` itself is left as it was. */
export function mergeLive(data: PanelData, message: LiveData, context: MergeContext): PanelData {
  const ours = data.frames.filter((frame) => frame.refId === message.ref);
  const others = data.frames.filter((frame) => frame.refId !== message.ref);
  let merged: Frame[];
  if (message.reset) {
    merged = message.series.map((series) => newFrame(message.ref, series, context.legendFormat));
  } else {
    const byLabels = new Map(ours.map((frame) => [labelsKey(frame.labels), frame]));
    for (const series of message.series) {
      const key = labelsKey(series.labels);
      const known = byLabels.get(key);
      byLabels.set(
        key,
        known ? appendAfter(known, series) : newFrame(message.ref, series, context.legendFormat),
      );
    }
    merged = [...byLabels.values()];
  }
  const oldest = message.end - context.windowMs;
  merged = merged
    .map((frame) => trimBefore(frame, oldest))
    .filter((frame) => frame.timestamps.length > 0)
    .map((frame) => withReduced(frame, context, data.fieldConfig));
  // Frames keep their query order (A, B, C) so each series keeps its colour and dash.
  const refs = [...new Set([...data.frames.map((frame) => frame.refId), message.ref])];
  const frames = refs.flatMap((ref) =>
    ref === message.ref ? merged : others.filter((frame) => frame.refId === ref),
  );
  const errors = data.errors.filter((error) => error.refId !== message.ref);
  const hasPoints = frames.some((frame) => frame.values.length > 0);
  return {
    ...data,
    frames,
    errors,
    stepMs: message.step || data.stepMs,
    state: errors.length ? 'error' : hasPoints ? 'ok' : 'nodata',
  };
}
