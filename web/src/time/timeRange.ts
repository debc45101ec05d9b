// Grafana's time expressions as the dashboard URL and the data API carry them: "now-6h", "now",
// "now/d", epoch milliseconds, ISO 8601. Rounding (now/d) is in UTC, as the server does for
// dashboards in the "browser" zone, so the UI and the server agree on what a range covers.

import { formatDuration, parseDuration } from './duration';

export interface TimeRange {
  from: string;
  to: string;
}

export interface Preset extends TimeRange {
  label: string;
  short: string;
}

const PRESET_SPANS: [span: string, label: string][] = [
  ['5m', 'Last 5 minutes'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last 1 hour'],
  ['3h', 'Last 3 hours'],
  ['6h', 'Last 6 hours'],
  ['12h', 'Last 12 hours'],
  ['24h', 'Last 24 hours'],
  ['2d', 'Last 2 days'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
];

export const PRESETS: readonly Preset[] = PRESET_SPANS.map(([span, label]) => ({
  from: `now-${span}`,
  to: 'now',
  label,
  short: `Last ${span}`,
}));

const RELATIVE = /^now((?:[+-]\d+[yMwdhms])*)(?:\/([yMwdhms]))?$/;
const OFFSET = /([+-])(\d+)([yMwdhms])/g;
const FIXED_MS: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
};

export class TimeExpressionError extends Error {}

/** Milliseconds since the epoch for one end of a range (`roundUp` for the `to` end). */
export function parseTime(text: string, nowMs: number, roundUp = false): number {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
  const relative = RELATIVE.exec(trimmed);
  if (!relative) return parseAbsolute(trimmed);
  let moment = new Date(nowMs);
  for (const [, sign, amount, unit] of (relative[1] ?? '').matchAll(OFFSET)) {
    moment = shift(moment, Number(amount) * (sign === '+' ? 1 : -1), unit ?? 's');
  }
  if (relative[2]) moment = roundTo(moment, relative[2], roundUp);
  return moment.getTime();
}

function parseAbsolute(text: string): number {
  // A date without a zone is UTC, as the server reads it.
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) {
    throw new TimeExpressionError(
      `invalid time "${text}": use now, now-6h, now/d, epoch milliseconds or ISO 8601`,
    );
  }
  return ms;
}

function shift(moment: Date, amount: number, unit: string): Date {
  const fixed = FIXED_MS[unit];
  if (fixed !== undefined) return new Date(moment.getTime() + amount * fixed);
  const shifted = new Date(moment.getTime());
  const months = amount * (unit === 'y' ? 12 : 1);
  const day = shifted.getUTCDate();
  shifted.setUTCDate(1);
  shifted.setUTCMonth(shifted.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, 0)).getUTCDate();
  shifted.setUTCDate(Math.min(day, lastDay));
  return shifted;
}

function roundTo(moment: Date, unit: string, up: boolean): Date {
  const start = new Date(moment.getTime());
  start.setUTCMilliseconds(0);
  if (unit !== 's') start.setUTCSeconds(0);
  if (!['s', 'm'].includes(unit)) start.setUTCMinutes(0);
  if (!['s', 'm', 'h'].includes(unit)) start.setUTCHours(0);
  if (unit === 'w') {
    // Weeks start on Monday, as ISO weeks (and the server) do.
    start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  }
  if (unit === 'M' || unit === 'y') start.setUTCDate(1);
  if (unit === 'y') start.setUTCMonth(0);
  if (!up) return start;
  return new Date(shift(start, 1, unit).getTime() - 1);
}

/** [fromMs, toMs] of a range at `nowMs`. */
export function resolveRange(range: TimeRange, nowMs: number): [number, number] {
  return [parseTime(range.from, nowMs), parseTime(range.to, nowMs, true)];
}

/** Whether the range is valid: both ends parse and `from` comes first. */
export function rangeProblem(range: TimeRange, nowMs: number): string | null {
  try {
    const [from, to] = resolveRange(range, nowMs);
    return from < to ? null : '"From" must be before "To"';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A range that follows the clock ("now-1h" to "now"): the only kind live updates can extend. */
export function followsNow(range: TimeRange): boolean {
  return range.to.trim() === 'now' && RELATIVE.test(range.from.trim());
}

/** The span of a range that follows the clock, as a duration ("1h"), for live subscriptions. */
export function rangeSpan(range: TimeRange, nowMs: number): string {
  const [from, to] = resolveRange(range, nowMs);
  return formatDuration(Math.max(to - from, 1_000));
}

/** The absolute range a drag on a chart selected (ms bounds, rounded to the second). */
export function zoomedRange(fromMs: number, toMs: number): TimeRange {
  const [low, high] = fromMs <= toMs ? [fromMs, toMs] : [toMs, fromMs];
  return { from: String(Math.floor(low / 1000) * 1000), to: String(Math.ceil(high / 1000) * 1000) };
}

/** A range's name in the picker: a preset's label, "Last 90m", or its absolute ends. */
export function describeRange(range: TimeRange, formatMs: (ms: number) => string = isoMinute): string {
  const preset = PRESETS.find((p) => p.from === range.from && p.to === range.to);
  if (preset) return preset.label;
  const span = /^now-(\d+[yMwdhms])$/.exec(range.from);
  if (span && range.to === 'now') return `Last ${span[1]}`;
  try {
    return `${formatMs(parseTime(range.from, Date.now()))} to ${formatMs(parseTime(range.to, Date.now(), true))}`;
  } catch {
    return `${range.from} to ${range.to}`;
  }
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** A refresh text the picker offers; "" means off. */
export const REFRESH_CHOICES: readonly string[] = ['', '5s', '10s', '30s', '1m', '5m'];

// The live protocol evaluates at one of these intervals only (pulseboard/live/protocol.py).
const LIVE_INTERVALS = ['1s', '5s', '10s', '30s', '1m'];

/** The live interval nearest to (not faster than) the refresh: "10s" -> "10s", "5m" -> "1m". */
export function liveInterval(refresh: string): string {
  const wanted = parseDuration(refresh) ?? 5_000;
  return LIVE_INTERVALS.find((interval) => (parseDuration(interval) ?? 0) >= wanted) ?? '1m';
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * What a person typed into a range input, as a time expression: "now-6h" stays as it is, a date
 * and time written without a zone ("2024-03-15 10:00") is the viewer's local time.
 */
export function parseTypedTime(text: string): string {
  const trimmed = text.trim();
  const local = LOCAL_DATE_TIME.exec(trimmed);
  if (!local) return trimmed;
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = local;
  const ms = new Date(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  ).getTime();
  return String(ms);
}

/** A time expression as the range inputs show it: epoch milliseconds as local date and time. */
export function typedTime(expression: string): string {
  if (!/^-?\d+$/.test(expression.trim())) return expression;
  const date = new Date(Number(expression));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The range twice as long around the same middle (Grafana's zoom out), as absolute times. */
export function zoomedOut(range: TimeRange, nowMs: number): TimeRange {
  const [from, to] = resolveRange(range, nowMs);
  const half = (to - from) / 2;
  return zoomedRange(from - half, Math.min(to + half, nowMs));
}
