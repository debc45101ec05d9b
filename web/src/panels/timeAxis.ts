// Labels of a time axis, one line each: the time of day between day boundaries ("13:15", or
// "1:15 PM" where clocks have twelve hours), the date where a day starts ("Nov 29"), months and
// years for longer steps. The hover tooltip gives every point's full date.

import { zoneOffsetMs } from '../format/time';

const DAY_MS = 86_400_000;

export interface ZoneOptions {
  /** undefined: the viewer's locale and time zone. */
  locale?: string;
  timeZone?: string;
}

interface Formats {
  minutes: Intl.DateTimeFormat;
  seconds: Intl.DateTimeFormat;
  day: Intl.DateTimeFormat;
  month: Intl.DateTimeFormat;
  year: Intl.DateTimeFormat;
  clock: Intl.DateTimeFormat;
}

const cache = new Map<string, Formats>();

function formats({ locale, timeZone }: ZoneOptions): Formats {
  const key = `${locale ?? ''}|${timeZone ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    const make = (options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
      new Intl.DateTimeFormat(locale, { ...options, timeZone });
    // 24-hour clocks read "02:00"; 12-hour ones "2:00 AM".
    const twelve = make({ hour: 'numeric' }).resolvedOptions().hourCycle?.startsWith('h1') ?? false;
    const hour = twelve ? 'numeric' : '2-digit';
    found = {
      minutes: make({ hour, minute: '2-digit' }),
      seconds: make({ hour, minute: '2-digit', second: '2-digit' }),
      day: make({ month: 'short', day: 'numeric' }),
      month: make({ month: 'short' }),
      year: make({ year: 'numeric' }),
      clock: make({
        hourCycle: 'h23',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        day: 'numeric',
        month: 'numeric',
      }),
    };
    cache.set(key, found);
  }
  return found;
}

/** The moment's clock and calendar fields in the zone, for finding day and year boundaries. */
function fields(clock: Intl.DateTimeFormat, ms: number): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of clock.formatToParts(ms))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return parts;
}

/** One label per tick (`ticksMs`), `stepMs` apart. */
export function timeTickLabels(ticksMs: number[], stepMs: number, zone: ZoneOptions = {}): string[] {
  const f = formats(zone);
  return ticksMs.map((ms) => {
    const at = fields(f.clock, ms);
    const startsDay = at.hour === 0 && at.minute === 0 && at.second === 0;
    if (stepMs >= 28 * DAY_MS) return at.month === 1 ? f.year.format(ms) : f.month.format(ms);
    if (stepMs >= DAY_MS || startsDay) return f.day.format(ms);
    return (stepMs < 60_000 ? f.seconds : f.minutes).format(ms);
  });
}

const NICE_STEPS_MS = [
  1_000,
  5_000,
  10_000,
  15_000,
  30_000,
  60_000,
  300_000,
  600_000,
  900_000,
  1_800_000,
  3_600_000,
  7_200_000,
  10_800_000,
  21_600_000,
  43_200_000,
  DAY_MS,
  2 * DAY_MS,
  7 * DAY_MS,
  14 * DAY_MS,
  30 * DAY_MS,
];

/**
 * Round times between `fromMs` and `toMs`, at most `maxTicks` of them: a whole number of a
 * clock step (5 min, 1 h, 1 day, ...), counted from midnight in the zone (the viewer's own
 * when undefined), as clocks are.
 */
export function timeTicks(
  fromMs: number,
  toMs: number,
  maxTicks: number,
  timeZone?: string,
): { ticks: number[]; stepMs: number } {
  const span = Math.max(toMs - fromMs, 1);
  const stepMs = NICE_STEPS_MS.find((step) => span / step <= Math.max(maxTicks, 1)) ?? 30 * DAY_MS;
  const offset = zoneOffsetMs(fromMs, timeZone);
  const ticks: number[] = [];
  for (let tick = Math.ceil((fromMs + offset) / stepMs) * stepMs - offset; tick <= toMs; tick += stepMs) {
    ticks.push(tick);
  }
  return { ticks, stepMs };
}
