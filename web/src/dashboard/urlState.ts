// The dashboard view's state in its URL, as Grafana writes it:
// /d/<uid>?from=now-6h&to=now&var-job=api&var-job=web&refresh=10s&live=1
// Only what differs from the dashboard's own defaults is written, so a plain /d/<uid> link means
// "as the dashboard is saved".

import type { TimeRange } from '../time/timeRange';

export interface UrlState {
  range?: TimeRange;
  /** Chosen values per variable; a variable not named keeps its saved or resolved selection. */
  vars: Record<string, string[]>;
  /** "" is explicitly off; undefined is the dashboard's own refresh. */
  refresh?: string;
  live: boolean;
  /** One panel shown alone, filling the view (Grafana's ?viewPanel=<id>). */
  viewPanel?: number;
}

export interface DashboardDefaults {
  time: TimeRange;
  refresh?: string;
}

export interface ViewState {
  range: TimeRange;
  vars: Record<string, string[]>;
  refresh: string;
  live: boolean;
  viewPanel?: number;
}

const VAR_PREFIX = 'var-';
const OFF = 'off';

export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const vars: Record<string, string[]> = {};
  for (const [key, value] of params) {
    if (key.startsWith(VAR_PREFIX) && key.length > VAR_PREFIX.length) {
      (vars[key.slice(VAR_PREFIX.length)] ??= []).push(value);
    }
  }
  const from = params.get('from');
  const to = params.get('to');
  const refresh = params.get('refresh');
  const viewPanel = params.get('viewPanel');
  return {
    ...(from && to ? { range: { from, to } } : {}),
    vars,
    ...(refresh !== null ? { refresh: refresh === OFF ? '' : refresh } : {}),
    live: params.get('live') === '1',
    ...(viewPanel && /^\d+$/.test(viewPanel) ? { viewPanel: Number(viewPanel) } : {}),
  };
}

/** What the view shows: the URL's choices over the dashboard's defaults. */
export function viewState(url: UrlState, defaults: DashboardDefaults): ViewState {
  return {
    range: url.range ?? defaults.time,
    vars: url.vars,
    refresh: url.refresh ?? defaults.refresh ?? '',
    live: url.live,
    ...(url.viewPanel !== undefined ? { viewPanel: url.viewPanel } : {}),
  };
}

/** The query string of a view (with its leading "?", or "" when everything is the default). */
export function buildSearch(view: ViewState, defaults: DashboardDefaults): string {
  const params = new URLSearchParams();
  const sameRange = view.range.from === defaults.time.from && view.range.to === defaults.time.to;
  if (!sameRange) {
    params.set('from', view.range.from);
    params.set('to', view.range.to);
  }
  for (const name of Object.keys(view.vars).sort()) {
    for (const value of view.vars[name] ?? []) params.append(`${VAR_PREFIX}${name}`, value);
  }
  if (view.refresh !== (defaults.refresh ?? '')) params.set('refresh', view.refresh || OFF);
  if (view.live) params.set('live', '1');
  if (view.viewPanel !== undefined) params.set('viewPanel', String(view.viewPanel));
  const text = params.toString();
  return text ? `?${text}` : '';
}
