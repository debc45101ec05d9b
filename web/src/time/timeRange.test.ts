import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration';
import {
  PRESETS,
  describeRange,
  followsNow,
  liveInterval,
  parseTime,
  parseTypedTime,
  typedTime,
  zoomedOut,
  rangeProblem,
  rangeSpan,
  resolveRange,
  zoomedRange,
} from './timeRange';

const NOW = Date.UTC(2024, 2, 15, 13, 45, 30, 250); // Friday 2024-03-15 13:45:30.250 UTC

describe('parseTime', () => {
  it('reads epoch milliseconds', () => {
    expect(parseTime('1700000000000', NOW)).toBe(1_700_000_000_000);
  });

  it('reads now and offsets from it', () => {
    expect(parseTime('now', NOW)).toBe(NOW);
    expect(parseTime('now-6h', NOW)).toBe(NOW - 6 * 3_600_000);
    expect(parseTime('now-1d+2h', NOW)).toBe(NOW - 22 * 3_600_000);
    expect(parseTime('now-2w', NOW)).toBe(NOW - 14 * 86_400_000);
  });

  it('shifts months and years by the calendar', () => {
    expect(parseTime('now-1M', Date.UTC(2024, 2, 31))).toBe(Date.UTC(2024, 1, 29));
    expect(parseTime('now-1y', NOW)).toBe(Date.UTC(2023, 2, 15, 13, 45, 30, 250));
  });

  it('rounds to the start of a unit, and to its end for the `to` side', () => {
    expect(parseTime('now/d', NOW)).toBe(Date.UTC(2024, 2, 15));
    expect(parseTime('now/d', NOW, true)).toBe(Date.UTC(2024, 2, 16) - 1);
    expect(parseTime('now-1d/d', NOW)).toBe(Date.UTC(2024, 2, 14));
    expect(parseTime('now/h', NOW)).toBe(Date.UTC(2024, 2, 15, 13));
    expect(parseTime('now/w', NOW)).toBe(Date.UTC(2024, 2, 11)); // Monday
    expect(parseTime('now/M', NOW)).toBe(Date.UTC(2024, 2, 1));
    expect(parseTime('now/y', NOW, true)).toBe(Date.UTC(2025, 0, 1) - 1);
  });

  it('reads ISO 8601, UTC when no zone is given', () => {
    expect(parseTime('2024-03-15T10:00:00Z', NOW)).toBe(Date.UTC(2024, 2, 15, 10));
    expect(parseTime('2024-03-15T10:00', NOW)).toBe(Date.UTC(2024, 2, 15, 10));
    expect(parseTime('2024-03-15T10:00:00+02:00', NOW)).toBe(Date.UTC(2024, 2, 15, 8));
  });

  it('refuses anything else with a message naming the forms it reads', () => {
    expect(() => parseTime('yesterday', NOW)).toThrow(/now-6h/);
    expect(() => parseTime('now-6x', NOW)).toThrow();
  });
});

describe('ranges', () => {
  it('offers the usual presets, each following now', () => {
    expect(PRESETS.map((preset) => preset.from)).toEqual([
      'now-5m',
      'now-15m',
      'now-1h',
      'now-3h',
      'now-6h',
      'now-12h',
      'now-24h',
      'now-2d',
      'now-7d',
      'now-30d',
    ]);
    expect(PRESETS.every(followsNow)).toBe(true);
  });

  it('resolves both ends', () => {
    expect(resolveRange({ from: 'now-1h', to: 'now' }, NOW)).toEqual([NOW - 3_600_000, NOW]);
  });

  it('names a problem with a range, or none', () => {
    expect(rangeProblem({ from: 'now-1h', to: 'now' }, NOW)).toBeNull();
    expect(rangeProblem({ from: 'now', to: 'now-1h' }, NOW)).toMatch(/before/);
    expect(rangeProblem({ from: 'soon', to: 'now' }, NOW)).toMatch(/invalid time "soon"/);
  });

  it('knows which ranges live updates can extend', () => {
    expect(followsNow({ from: 'now-6h', to: 'now' })).toBe(true);
    expect(followsNow({ from: '1700000000000', to: '1700003600000' })).toBe(false);
    expect(followsNow({ from: 'now-1d/d', to: 'now-1d/d' })).toBe(false);
  });

  it('gives the span of a range as a duration', () => {
    expect(rangeSpan({ from: 'now-1h', to: 'now' }, NOW)).toBe('1h');
    expect(rangeSpan({ from: 'now-90m', to: 'now' }, NOW)).toBe('90m');
    expect(rangeSpan({ from: 'now-7d', to: 'now' }, NOW)).toBe('1w');
  });

  it('turns a drag on a chart into an absolute range of whole seconds, in order', () => {
    expect(zoomedRange(1_700_000_000_400, 1_699_999_000_600)).toEqual({
      from: '1699999000000',
      to: '1700000001000',
    });
  });

  it('describes presets, other relative ranges and absolute ones', () => {
    expect(describeRange({ from: 'now-24h', to: 'now' })).toBe('Last 24 hours');
    expect(describeRange({ from: 'now-90m', to: 'now' })).toBe('Last 90m');
    const format = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
    expect(
      describeRange({ from: String(Date.UTC(2024, 0, 1, 10)), to: String(Date.UTC(2024, 0, 1, 11)) }, format),
    ).toBe('10:00 to 11:00');
  });

  it('picks the live interval closest to the refresh without going faster', () => {
    expect(liveInterval('10s')).toBe('10s');
    expect(liveInterval('15s')).toBe('30s');
    expect(liveInterval('5m')).toBe('1m');
    expect(liveInterval('')).toBe('5s');
  });
});

describe('durations', () => {
  it('parses Prometheus durations', () => {
    expect(parseDuration('15s')).toBe(15_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2x')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });

  it('writes the largest whole unit', () => {
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(86_400_000 * 2)).toBe('2d');
    expect(formatDuration(1_500)).toBe('1500ms');
  });
});

describe('typed times', () => {
  it('keeps expressions and reads local date-times', () => {
    expect(parseTypedTime(' now-6h ')).toBe('now-6h');
    expect(parseTypedTime('2024-03-15 10:30')).toBe(String(new Date(2024, 2, 15, 10, 30).getTime()));
    expect(parseTypedTime('2024-03-15T10:30:15')).toBe(String(new Date(2024, 2, 15, 10, 30, 15).getTime()));
  });

  it('shows epoch milliseconds as local date-time, and reads that back', () => {
    const ms = String(new Date(2024, 2, 15, 10, 30, 15).getTime());
    expect(typedTime(ms)).toBe('2024-03-15 10:30:15');
    expect(parseTypedTime(typedTime(ms))).toBe(ms);
    expect(typedTime('now-1h')).toBe('now-1h');
  });

  it('zooms out around the middle without passing now', () => {
    expect(zoomedOut({ from: '1000000', to: '2000000' }, 10_000_000)).toEqual({
      from: '500000',
      to: '2500000',
    });
    expect(zoomedOut({ from: 'now-1h', to: 'now' }, NOW).to).toBe(String(Math.ceil(NOW / 1000) * 1000));
  });
});
