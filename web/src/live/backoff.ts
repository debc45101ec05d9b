// When to reconnect (pulseboard/live/protocol.py): a delay doubling from 0.5 s up to 30 s, with
// +-20 % jitter so a restarted server is not hit by every browser at the same moment.

const FIRST_MS = 500;
const LONGEST_MS = 30_000;
const JITTER = 0.2;

/** The delay before reconnect attempt `attempt` (0 for the first); `random` is in [0, 1). */
export function reconnectDelay(attempt: number, random: number = Math.random()): number {
  const base = Math.min(FIRST_MS * 2 ** Math.max(attempt, 0), LONGEST_MS);
  return Math.round(base * (1 - JITTER + 2 * JITTER * random));
}

// 1003 binary frame, 1007 unparseable JSON, 1009 too big: the server would refuse the same
// messages again, so trying again only repeats a bug. 1000 is our own, deliberate close.
const FINAL_CODES = new Set([1000, 1003, 1007, 1009]);

export function shouldReconnect(code: number): boolean {
  return !FINAL_CODES.has(code);
}
