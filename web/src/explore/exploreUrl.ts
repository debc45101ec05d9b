// The Explore screen's query in its URL, so a link restores it:
// /explore?expr=rate(x[5m])&from=now-1h&to=now&mode=instant

import { rangeProblem, type TimeRange } from '../time/timeRange';

export type QueryMode = 'range' | 'instant';

export interface ExploreState {
  expr: string;
  range: TimeRange;
  mode: QueryMode;
}

export const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

export function parseExploreUrl(search: string, nowMs: number): ExploreState {
  const params = new URLSearchParams(search);
  const from = params.get('from');
  const to = params.get('to');
  // A hand-edited link with a broken range still opens its query, over the default range.
  const range = from && to && !rangeProblem({ from, to }, nowMs) ? { from, to } : DEFAULT_RANGE;
  return {
    expr: params.get('expr') ?? '',
    range,
    mode: params.get('mode') === 'instant' ? 'instant' : 'range',
  };
}

/** The path and query string of a state (the range mode is the default and is left out). */
export function exploreUrl(state: ExploreState): string {
  const params = new URLSearchParams();
  if (state.expr) params.set('expr', state.expr);
  params.set('from', state.range.from);
  params.set('to', state.range.to);
  if (state.mode === 'instant') params.set('mode', 'instant');
  return `/explore?${params}`;
}
