// The query string of a link that opens a dashboard as the sharer sees it: the time range (made
// absolute when locked, so the link shows the same minutes tomorrow), every variable's current
// values (also those the URL left at their defaults, which may change), refresh and live, and
// optionally the theme and one panel alone.

import type { ThemeName } from '../app/theme';
import { buildSearch, type DashboardDefaults, type ViewState } from '../dashboard/urlState';
import { resolveRange, type TimeRange } from '../time/timeRange';

export interface ShareChoices {
  /** Absolute from/to instead of expressions such as now-6h. */
  lockTime: boolean;
  theme?: ThemeName;
  /** One panel alone; the view's own panel alone, if it shows one, when not given. */
  viewPanel?: number;
}

/** Whether either end follows the clock ("now-6h"): only then does locking change the link. */
export function isRelative(range: TimeRange): boolean {
  return /^\s*now/.test(range.from) || /^\s*now/.test(range.to);
}

/**
 * `resolved` holds each variable's values as the server used them for the current view (the
 * data answer's `current`); choices in the view itself win over it.
 */
export function shareSearch(
  view: ViewState,
  defaults: DashboardDefaults,
  resolved: Record<string, string[]>,
  choices: ShareChoices,
  nowMs: number,
): string {
  const locked = choices.lockTime && isRelative(view.range);
  const viewPanel = choices.viewPanel ?? view.viewPanel;
  const [fromMs, toMs] = locked ? resolveRange(view.range, nowMs) : [0, 0];
  const range = locked ? { from: String(fromMs), to: String(toMs) } : view.range;
  const shared: ViewState = {
    range,
    vars: { ...resolved, ...view.vars },
    refresh: view.refresh,
    // A fixed range has no new points to stream.
    live: view.live && !locked,
    ...(viewPanel !== undefined ? { viewPanel } : {}),
  };
  const params = new URLSearchParams(buildSearch(shared, defaults));
  // Written even when it is the dashboard's default: the link must not change if the default does.
  params.set('from', range.from);
  params.set('to', range.to);
  if (choices.theme) params.set('theme', choices.theme);
  return `?${params.toString()}`;
}
