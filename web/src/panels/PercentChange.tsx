import { changeText, changeTone, type ChangeColorMode } from './percentChange';

const TONE_COLOR = { good: 'var(--green)', bad: 'var(--red)', flat: 'var(--text-muted)' } as const;

/** The change over the range as an arrow, a percentage and (for screen readers) words: the
 * colour only repeats what the arrow says. */
export function PercentChange({
  change,
  mode,
  valueColor,
}: {
  change: number;
  mode: ChangeColorMode;
  valueColor?: string;
}) {
  const tone = changeTone(change, mode);
  const color = tone === 'value' ? valueColor : TONE_COLOR[tone];
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'unchanged';
  return (
    <span class="stat-change" style={color ? { color } : undefined}>
      <span aria-hidden="true">{change > 0 ? '▲' : change < 0 ? '▼' : '■'}</span> {changeText(change)}
      <span class="sr-only"> {direction} since the start of the range</span>
    </span>
  );
}
