import type { QueryMode } from './exploreUrl';

const MODES: { value: QueryMode; label: string; hint: string }[] = [
  { value: 'range', label: 'Range', hint: 'A graph over the time range' },
  { value: 'instant', label: 'Instant', hint: 'A table of the values at the end of the time range' },
];

export function QueryModeToggle({ mode, onChange }: { mode: QueryMode; onChange(mode: QueryMode): void }) {
  return (
    <fieldset class="query-mode">
      <legend class="sr-only">Query type</legend>
      {MODES.map((option) => (
        <label key={option.value} class="segment" title={option.hint}>
          <input
            type="radio"
            name="query-mode"
            value={option.value}
            checked={mode === option.value}
            onChange={() => onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
