import { describe, expect, it } from 'vitest';
import type { Frame } from '../api/types';
import { reducedCsv, timeSeriesCsv } from './csv';

function frame(
  name: string,
  timestamps: number[],
  values: (number | null)[],
  extra: Partial<Frame> = {},
): Frame {
  return { refId: 'A', name, labels: {}, timestamps, values, ...extra };
}

describe('timeSeriesCsv', () => {
  it('writes a row per time in UTC and a column per series, gaps empty', () => {
    const csv = timeSeriesCsv([
      frame('p50', [1_700_000_000_000, 1_700_000_015_000], [0.012, 0.1 + 0.2]),
      frame('p99', [1_700_000_015_000], [1.5]),
    ]);
    expect(csv).toBe(
      'time,p50,p99\r\n' +
        '2023-11-14T22:13:20.000Z,0.012,\r\n' +
        '2023-11-14T22:13:35.000Z,0.30000000000000004,1.5\r\n',
    );
  });

  it('keeps milliseconds exact through the aligned axis', () => {
    const csv = timeSeriesCsv([frame('x', [1_700_000_000_123], [1])]);
    expect(csv.split('\r\n')[1]).toBe('2023-11-14T22:13:20.123Z,1');
  });

  it('quotes names with commas or quotes and defuses formulas', () => {
    const csv = timeSeriesCsv([frame('GET /a,b "x"', [0], [1]), frame('=cmd()', [0], [2])]);
    expect(csv.split('\r\n')[0]).toBe(`time,"GET /a,b ""x""",'=cmd()`);
  });

  it('writes only a header for no points', () => {
    expect(timeSeriesCsv([])).toBe('time\r\n');
  });
});

describe('reducedCsv', () => {
  it('writes each series with its labels and the value the panel shows', () => {
    const csv = reducedCsv([
      frame('frontend', [0, 1000], [0.5, 0.9], {
        labels: { component: 'frontend', __name__: 'up' },
        reduced: { calc: 'mean', value: 0.7 },
      }),
      frame('backend', [0], [null], { labels: { component: 'backend', zone: 'b' } }),
    ]);
    expect(csv).toBe('series,component,zone,value\r\nfrontend,frontend,,0.7\r\nbackend,backend,b,\r\n');
  });

  it('falls back to the last value when the server sent no reduction', () => {
    expect(reducedCsv([frame('x', [0, 1], [3, 4])])).toBe('series,value\r\nx,4\r\n');
  });
});
