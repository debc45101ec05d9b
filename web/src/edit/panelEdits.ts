// Changes to one panel: its queries, its visualisation and its field defaults. Pure; an option
// set back to its default is removed from the document rather than written as empty, so that
// a panel edited back to how it was compares equal to the saved one.

import type { PanelDocument, TargetDocument } from '../api/documentTypes';
import type { FieldDefaults } from '../api/types';

/** The panel types the editor offers, in Grafana's order, with their names. */
export const VISUALISATIONS: readonly { type: string; name: string }[] = [
  { type: 'timeseries', name: 'Time series' },
  { type: 'stat', name: 'Stat' },
  { type: 'gauge', name: 'Gauge' },
  { type: 'bargauge', name: 'Bar gauge' },
  { type: 'barchart', name: 'Bar chart' },
  { type: 'piechart', name: 'Pie chart' },
  { type: 'heatmap', name: 'Heatmap' },
  { type: 'table', name: 'Table' },
  { type: 'text', name: 'Text' },
];

/** Panels that show one number per series, reduced by the panel's calculation. */
export const REDUCING_TYPES = new Set(['stat', 'gauge', 'bargauge', 'piechart']);

/** The reductions the server knows (pulseboard/dashboards/reducers.py), by Grafana's names. */
export const CALCULATIONS: readonly { id: string; name: string }[] = [
  { id: 'lastNotNull', name: 'Last (not null)' },
  { id: 'last', name: 'Last' },
  { id: 'firstNotNull', name: 'First (not null)' },
  { id: 'first', name: 'First' },
  { id: 'mean', name: 'Mean' },
  { id: 'median', name: 'Median' },
  { id: 'min', name: 'Min' },
  { id: 'max', name: 'Max' },
  { id: 'sum', name: 'Total' },
  { id: 'count', name: 'Count' },
  { id: 'delta', name: 'Delta' },
  { id: 'range', name: 'Range' },
  { id: 'diff', name: 'Difference' },
  { id: 'diffperc', name: 'Difference percent' },
  { id: 'stdDev', name: 'Standard deviation' },
  { id: 'variance', name: 'Variance' },
  { id: 'changeCount', name: 'Change count' },
  { id: 'distinctCount', name: 'Distinct count' },
];

/** `object` with `key` set, or without it when `value` is undefined. */
export function withKey<T extends object, K extends keyof T>(object: T, key: K, value: T[K] | undefined): T {
  const copy = { ...object };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

// --- queries ---------------------------------------------------------------------------------

/** Grafana's query letters: A, B, ... Z, then AA, AB, ... */
function refIdAt(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : `${refIdAt(Math.floor(index / 26) - 1)}${letter}`;
}

export function nextRefId(targets: readonly TargetDocument[]): string {
  const taken = new Set(targets.map((target) => target.refId));
  let index = 0;
  while (taken.has(refIdAt(index))) index += 1;
  return refIdAt(index);
}

export function addTarget(panel: PanelDocument): PanelDocument {
  const targets = panel.targets ?? [];
  return { ...panel, targets: [...targets, { refId: nextRefId(targets), expr: '' }] };
}

export function removeTarget(panel: PanelDocument, refId: string): PanelDocument {
  return { ...panel, targets: (panel.targets ?? []).filter((target) => target.refId !== refId) };
}

export function updateTarget(
  panel: PanelDocument,
  refId: string,
  change: Partial<TargetDocument>,
): PanelDocument {
  const targets = (panel.targets ?? []).map((target) => {
    if (target.refId !== refId) return target;
    let next = target;
    for (const [key, value] of Object.entries(change) as [keyof TargetDocument, never][]) {
      next = withKey(next, key, value === '' || value === false ? undefined : value);
    }
    return next;
  });
  return { ...panel, targets };
}

/** An instant query is evaluated once, at the end of the range (Grafana's "Instant" type). */
export function setInstant(panel: PanelDocument, refId: string, instant: boolean): PanelDocument {
  const target = panel.targets?.find((candidate) => candidate.refId === refId);
  if (!target) return panel;
  const rest = withKey(withKey(target, 'instant', undefined), 'range', undefined);
  const next: TargetDocument = instant ? { ...rest, instant: true, range: false } : rest;
  return {
    ...panel,
    targets: (panel.targets ?? []).map((candidate) => (candidate.refId === refId ? next : candidate)),
  };
}

export function isInstant(target: TargetDocument): boolean {
  return Boolean(target.instant) && target.range !== true;
}

// --- visualisation and field defaults ----------------------------------------------------------

export function defaultsOf(panel: PanelDocument): FieldDefaults {
  return panel.fieldConfig?.defaults ?? {};
}

export function setDefault<K extends keyof FieldDefaults>(
  panel: PanelDocument,
  key: K,
  value: FieldDefaults[K] | undefined,
): PanelDocument {
  const fieldConfig = panel.fieldConfig ?? {};
  return { ...panel, fieldConfig: { ...fieldConfig, defaults: withKey(defaultsOf(panel), key, value) } };
}

export function calculationOf(panel: PanelDocument): string {
  const calcs = (panel.options?.reduceOptions as { calcs?: unknown } | undefined)?.calcs;
  return Array.isArray(calcs) && typeof calcs[0] === 'string' ? calcs[0] : 'lastNotNull';
}

export function setCalculation(panel: PanelDocument, calc: string): PanelDocument {
  const options = panel.options ?? {};
  const reduceOptions = (options.reduceOptions as Record<string, unknown> | undefined) ?? {};
  return { ...panel, options: { ...options, reduceOptions: { ...reduceOptions, calcs: [calc] } } };
}

/** A text panel keeps its markdown in options.content. */
export function textOf(panel: PanelDocument): string {
  return typeof panel.options?.content === 'string' ? panel.options.content : '';
}

export function setText(panel: PanelDocument, content: string): PanelDocument {
  return { ...panel, options: { ...(panel.options ?? {}), mode: 'markdown', content } };
}
