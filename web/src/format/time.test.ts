import { describe, expect, it } from 'vitest';
import { timeTickLabels, timeTicks } from '../panels/timeAxis';
import { momentFormatIn, zoneOfDashboard, zoneOffsetMs } from './time';

const DAY = 86_400_000;

describe('dashboard time zones', () => {
  it('reads the dashboard setting as Grafana stores it', () => {
    expect(zoneOfDashboard(undefined)).toBeUndefined();
    expect(zoneOfDashboard('browser')).toBeUndefined();
    expect(zoneOfDashboard('utc')).toBe('UTC');
    expect(zoneOfDashboard('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('knows how far a zone is ahead of UTC, summer time included', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'UTC')).toBe(0);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'Europe/Berlin')).toBe(7_200_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'America/New_York')).toBe(-4 * 3_600_000);
  });

  it('puts day ticks on the zone midnight and labels them with its date', () => {
    const from = Date.UTC(2026, 10, 27, 15);
    const { ticks, stepMs } = timeTicks(from, from + 3 * DAY, 4, 'America/New_York');
    expect(stepMs).toBe(DAY);
    // Midnight in New York in November (UTC-5) is 05:00 UTC.
    expect(ticks.every((tick) => new Date(tick).getUTCHours() === 5)).toBe(true);
    expect(timeTickLabels(ticks, stepMs, { locale: 'en-US', timeZone: 'America/New_York' })).toEqual([
      'Nov 28',
      'Nov 29',
      'Nov 30',
    ]);
  });

  it('writes moments in the zone, naming it', () => {
    expect(momentFormatIn('UTC').format(Date.UTC(2026, 10, 29, 13, 5, 9))).toMatch(
      /01:05:09 PM UTC|13:05:09 UTC/,
    );
  });
});
