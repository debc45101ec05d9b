import { describe, expect, it } from 'vitest';
import { reconnectDelay, shouldReconnect } from './backoff';

describe('reconnectDelay', () => {
  it('doubles from half a second up to thirty seconds', () => {
    expect([0, 1, 2, 3, 6, 7, 12].map((attempt) => reconnectDelay(attempt, 0.5))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
  });

  it('spreads clients by up to 20 % either way', () => {
    expect(reconnectDelay(1, 0)).toBe(800);
    expect(reconnectDelay(1, 0.999_999)).toBe(1200);
  });
});

describe('shouldReconnect', () => {
  it('reconnects when the server or network went away, not after a refused message', () => {
    for (const code of [1001, 1006, 1011, 1012, 1013]) expect(shouldReconnect(code)).toBe(true);
    for (const code of [1000, 1003, 1007, 1009]) expect(shouldReconnect(code)).toBe(false);
  });
});
