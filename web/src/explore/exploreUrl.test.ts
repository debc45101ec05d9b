import { describe, expect, it } from 'vitest';
import { DEFAULT_RANGE, exploreUrl, parseExploreUrl } from './exploreUrl';

const NOW = Date.UTC(2025, 0, 15, 12);

describe('Explore URL state', () => {
  it('round-trips a query with its range and mode', () => {
    const state = {
      expr: 'sum by (route) (rate(http_requests_total{code=~"5.."}[5m])) > 0.5 & 1',
      range: { from: 'now-6h', to: 'now' },
      mode: 'instant' as const,
    };
    const url = exploreUrl(state);
    expect(url.startsWith('/explore?')).toBe(true);
    expect(parseExploreUrl(url.slice('/explore'.length), NOW)).toEqual(state);
  });

  it('leaves the default range mode out and writes the range', () => {
    expect(exploreUrl({ expr: 'up', range: DEFAULT_RANGE, mode: 'range' })).toBe(
      '/explore?expr=up&from=now-1h&to=now',
    );
  });

  it('opens an empty Explore with the defaults', () => {
    expect(parseExploreUrl('', NOW)).toEqual({ expr: '', range: DEFAULT_RANGE, mode: 'range' });
  });

  it('keeps the query of a link whose range is broken or backwards', () => {
    expect(parseExploreUrl('?expr=up&from=yesterday&to=now', NOW).range).toEqual(DEFAULT_RANGE);
    expect(parseExploreUrl('?expr=up&from=now&to=now-1h', NOW)).toMatchObject({
      expr: 'up',
      range: DEFAULT_RANGE,
    });
    expect(parseExploreUrl('?expr=up&from=now-2d', NOW).range).toEqual(DEFAULT_RANGE);
  });

  it('reads absolute ranges in epoch milliseconds', () => {
    const range = { from: String(NOW - 3_600_000), to: String(NOW) };
    expect(parseExploreUrl(`?expr=up&from=${range.from}&to=${range.to}`, NOW).range).toEqual(range);
  });

  it('treats an unknown mode as a range query', () => {
    expect(parseExploreUrl('?expr=up&mode=both', NOW).mode).toBe('range');
  });
});
