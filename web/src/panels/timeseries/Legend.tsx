import type { FieldDefaults } from '../../api/types';
import { formatText } from '../../format/units';
import type { SeriesSummary } from '../describe';
import type { SeriesStyle } from '../seriesStyle';

interface Props {
  series: { summary: SeriesSummary; style: SeriesStyle }[];
  hidden: Set<number>;
  defaults: FieldDefaults;
  onToggle(index: number): void;
}

/** The series as buttons: each shows its line (colour and dash) and values, and hides or shows it. */
export function Legend({ series, hidden, defaults, onToggle }: Props) {
  const format = (value: number | null): string => formatText(value, defaults.unit, defaults.decimals, '–');
  return (
    <ul class="legend" aria-label="Series">
      {series.map(({ summary, style }, index) => (
        <li key={summary.name + index}>
          <button
            type="button"
            class="legend-item"
            aria-pressed={!hidden.has(index)}
            title={hidden.has(index) ? `Show ${summary.name}` : `Hide ${summary.name}`}
            onClick={() => onToggle(index)}
          >
            <svg width="18" height="8" viewBox="0 0 18 8" aria-hidden="true">
              <line
                x1="0"
                y1="4"
                x2="18"
                y2="4"
                stroke={style.color}
                stroke-width="2.5"
                stroke-dasharray={style.dash.join(' ') || undefined}
              />
            </svg>
            <span class="legend-name">{summary.name}</span>
            <span class="legend-values">
              <span class="legend-value">
                <span class="legend-label">last</span> {format(summary.last)}
              </span>{' '}
              <span class="legend-value">
                <span class="legend-label">mean</span> {format(summary.mean)}
              </span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
