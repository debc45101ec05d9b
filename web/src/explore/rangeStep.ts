// The resolution of a range query: about one point per pixel of the graph, rounded up to a step
// people recognise (15s, 1m, 5m ...), as Grafana and Prometheus' own UI choose theirs.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const NICE_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

// The server refuses more points per series than this (query.max_points_per_series' default).
const MAX_POINTS = 11_000;

/** The step in ms for a range of `spanMs` drawn `widthPx` wide. */
export function rangeStepMs(spanMs: number, widthPx: number): number {
  const points = Math.min(Math.max(Math.round(widthPx), 100), MAX_POINTS);
  const wanted = Math.max(spanMs / points, SECOND);
  return NICE_STEPS.find((step) => step >= wanted) ?? Math.ceil(wanted / DAY) * DAY;
}
