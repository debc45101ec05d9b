// The queries a person ran in Explore, kept in this browser: newest first, each query once.

import { readSetting, writeSetting } from '../app/storage';

export const HISTORY_LIMIT = 50;
const STORAGE_KEY = 'explore.history';

export interface HistoryEntry {
  expr: string;
  /** When it was last run, ms since the epoch. */
  ranAt: number;
}

/** The history after running `expr`: it moves to the top (once), the oldest fall off. */
export function remember(history: HistoryEntry[], expr: string, ranAt: number): HistoryEntry[] {
  const trimmed = expr.trim();
  if (!trimmed) return history;
  const others = history.filter((entry) => entry.expr !== trimmed);
  return [{ expr: trimmed, ranAt }, ...others].slice(0, HISTORY_LIMIT);
}

/** The stored history; anything unreadable (another version's format, a hand edit) is dropped. */
export function parseHistory(text: string | null): HistoryEntry[] {
  if (!text) return [];
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  const entries = stored.filter(
    (item): item is HistoryEntry =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as HistoryEntry).expr === 'string' &&
      (item as HistoryEntry).expr.trim() !== '' &&
      typeof (item as HistoryEntry).ranAt === 'number',
  );
  // Re-applied so a stored list is as clean as one built here.
  return entries.reduceRight<HistoryEntry[]>((list, entry) => remember(list, entry.expr, entry.ranAt), []);
}

export function loadHistory(): HistoryEntry[] {
  return parseHistory(readSetting(STORAGE_KEY));
}

export function saveHistory(history: HistoryEntry[]): void {
  writeSetting(STORAGE_KEY, JSON.stringify(history));
}
