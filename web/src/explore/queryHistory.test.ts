import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, parseHistory, remember, type HistoryEntry } from './queryHistory';

describe('query history', () => {
  it('puts the newest query first', () => {
    const history = remember(remember([], 'up', 1), 'rate(x[5m])', 2);
    expect(history.map((entry) => entry.expr)).toEqual(['rate(x[5m])', 'up']);
  });

  it('keeps a query once, moved to the top with its latest time', () => {
    let history: HistoryEntry[] = [];
    for (const [expr, at] of [
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ] as const)
      history = remember(history, expr, at);
    expect(history).toEqual([
      { expr: 'a', ranAt: 3 },
      { expr: 'b', ranAt: 2 },
    ]);
  });

  it('ignores blank queries and trims the others', () => {
    expect(remember([], '   \n', 1)).toEqual([]);
    expect(remember([{ expr: 'up', ranAt: 1 }], '  up \n', 2)).toEqual([{ expr: 'up', ranAt: 2 }]);
  });

  it(`keeps the ${HISTORY_LIMIT} newest`, () => {
    let history: HistoryEntry[] = [];
    for (let n = 0; n < HISTORY_LIMIT + 5; n++) history = remember(history, `q${n}`, n);
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]?.expr).toBe(`q${HISTORY_LIMIT + 4}`);
    expect(history.at(-1)?.expr).toBe('q5');
  });

  it('reads back what was stored', () => {
    const history = remember(remember([], 'up', 1), 'down', 2);
    expect(parseHistory(JSON.stringify(history))).toEqual(history);
  });

  it('drops unreadable storage and malformed entries', () => {
    expect(parseHistory(null)).toEqual([]);
    expect(parseHistory('{not json')).toEqual([]);
    expect(parseHistory('{"expr": "up"}')).toEqual([]);
    const stored = [
      { expr: 'up', ranAt: 3 },
      { expr: 5 },
      null,
      { expr: ' ', ranAt: 2 },
      { expr: 'up', ranAt: 1 },
    ];
    expect(parseHistory(JSON.stringify(stored))).toEqual([{ expr: 'up', ranAt: 3 }]);
  });
});
