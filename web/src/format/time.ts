import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The time zone a dashboard's times are shown in: an IANA name, or undefined for the
 * viewer's own (the dashboard's timezone "browser"). */
export const TimeZoneContext = createContext<string | undefined>(undefined);

export function useTimeZone(): string | undefined {
  return useContext(TimeZoneContext);
}

/** The dashboard's `timezone` setting as a zone: "utc" is UTC, "browser" or none the viewer's
 * own, anything else an IANA name (as Grafana stores it). */
export function zoneOfDashboard(timezone: string | undefined): string | undefined {
  if (!timezone || timezone === 'browser') return undefined;
  return timezone.toLowerCase() === 'utc' ? 'UTC' : timezone;
}

const moments = new Map<string, Intl.DateTimeFormat>();

/** A moment to the second, in the viewer's locale and the given zone: tooltips, event logs. */
export function momentFormatIn(timeZone?: string): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let found = moments.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(undefined, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone,
      ...(timeZone ? { timeZoneName: 'short' } : {}),
    });
    moments.set(key, found);
  }
  return found;
}

/** A moment to the minute, in the viewer's zone: time range labels. */
export const minuteFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** In the viewer's own zone: what Explore and the history show. */
export const momentFormat = momentFormatIn(undefined);

/** How far the zone's clocks are ahead of UTC at `ms` (the viewer's own zone when undefined). */
export function zoneOffsetMs(ms: number, timeZone?: string): number {
  if (!timeZone) return -new Date(ms).getTimezoneOffset() * 60_000;
  const parts: Record<string, number> = {};
  const clock = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  for (const part of clock.formatToParts(ms))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}
