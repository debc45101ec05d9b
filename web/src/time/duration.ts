// Prometheus-style durations ("15s", "1h30m", "7d") to milliseconds and back.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const PART = /(\d+)(ms|s|m|h|d|w|y)/g;

/** Milliseconds of a duration, or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let total = 0;
  let consumed = '';
  for (const match of trimmed.matchAll(PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    consumed += match[0];
  }
  return consumed === trimmed ? total : null;
}

/** The shortest text of whole units for a duration: 3_600_000 -> "1h", 90_000 -> "90s". */
export function formatDuration(ms: number): string {
  for (const unit of ['y', 'w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.max(Math.round(ms), 1)}ms`;
}
