import { describe, expect, it } from 'vitest';
import { timeTickLabels, timeTicks } from './timeAxis';

const UTC_GB = { locale: 'en-GB', timeZone: 'UTC' };
const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('timeTickLabels', () => {
  it('shows only the time of day within a day', () => {
    const ticks = [at('2024-03-15T13:15:00Z'), at('2024-03-15T13:30:00Z')];
    expect(timeTickLabels(ticks, 15 * 60_000, UTC_GB)).toEqual(['13:15', '13:30']);
  });

  it('shows the date where a new day starts', () => {
    const ticks = [at('2024-03-15T22:00:00Z'), at('2024-03-16T00:00:00Z'), at('2024-03-16T02:00:00Z')];
    expect(timeTickLabels(ticks, 2 * HOUR, UTC_GB)).toEqual(['22:00', '16 Mar', '02:00']);
  });

  it('adds seconds for steps under a minute', () => {
    expect(timeTickLabels([at('2024-03-15T13:15:30Z')], 15_000, UTC_GB)).toEqual(['13:15:30']);
  });

  it('shows dates for daily steps, months and years for longer ones', () => {
    expect(timeTickLabels([at('2024-03-15T00:00:00Z')], 24 * HOUR, UTC_GB)).toEqual(['15 Mar']);
    const months = [at('2024-12-01T00:00:00Z'), at('2025-01-01T00:00:00Z')];
    expect(timeTickLabels(months, 31 * 24 * HOUR, UTC_GB)).toEqual(['Dec', '2025']);
  });

  it('follows the locale and the time zone', () => {
    const ticks = [at('2024-03-15T13:15:00Z')];
    expect(timeTickLabels(ticks, HOUR, { locale: 'en-US', timeZone: 'UTC' })).toEqual(['1:15 PM']);
    expect(timeTickLabels(ticks, HOUR, { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toEqual(['22:15']);
  });
});

describe('timeTicks', () => {
  it('picks a clock step that fits and starts at a whole one', () => {
    const from = Date.UTC(2024, 2, 15, 13, 1, 0);
    const { ticks, stepMs } = timeTicks(from, from + HOUR, 5);
    expect(stepMs).toBe(15 * 60_000);
    expect(ticks.length).toBeLessThanOrEqual(5);
    expect(ticks.slice(1).map((tick, index) => tick - ticks[index]!)).toEqual([stepMs, stepMs, stepMs]);
    expect(ticks[0]! - from).toBeLessThan(stepMs);
  });
});
