import { useEffect, useState } from 'preact/hooks';
import { usePopover } from '../app/usePopover';
import {
  PRESETS,
  describeRange,
  parseTypedTime,
  rangeProblem,
  typedTime,
  type TimeRange,
} from '../time/timeRange';
import { minuteFormat } from '../format/time';

interface Props {
  range: TimeRange;
  onChange(range: TimeRange): void;
}

export function TimeRangePicker({ range, onChange }: Props) {
  const { open, setOpen, buttonRef, panelRef } = usePopover();
  const [from, setFrom] = useState(typedTime(range.from));
  const [to, setTo] = useState(typedTime(range.to));
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setFrom(typedTime(range.from));
    setTo(typedTime(range.to));
    setProblem(null);
  }, [open, range.from, range.to]);

  const choose = (next: TimeRange): void => {
    setOpen(false);
    buttonRef.current?.focus();
    onChange(next);
  };

  const apply = (event: Event): void => {
    event.preventDefault();
    const next = { from: parseTypedTime(from), to: parseTypedTime(to) };
    const found = rangeProblem(next, Date.now());
    if (found) setProblem(found);
    else choose(next);
  };

  return (
    <div class="popover-anchor">
      <button
        type="button"
        class="control"
        ref={buttonRef}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen(!open)}
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
          <path
            fill="currentColor"
            d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 1.5a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11ZM7.25 4v4.3l3 1.8.75-1.3-2.25-1.35V4h-1.5Z"
          />
        </svg>
        <span class="sr-only">Time range: </span>
        {describeRange(range, (ms) => minuteFormat.format(ms))}
      </button>
      {open && (
        <div class="popover time-popover" role="dialog" aria-label="Time range" ref={panelRef}>
          <form class="absolute-range" onSubmit={apply}>
            <h2 class="popover-title">Absolute time range</h2>
            <label>
              From
              <input
                value={from}
                onInput={(e) => setFrom(e.currentTarget.value)}
                spellcheck={false}
                aria-describedby="range-hint"
              />
            </label>
            <label>
              To
              <input
                value={to}
                onInput={(e) => setTo(e.currentTarget.value)}
                spellcheck={false}
                aria-describedby="range-hint"
              />
            </label>
            <p id="range-hint" class="hint">
              A date and time such as 2024-03-15 10:00, or now-6h, now/d
            </p>
            {problem && (
              <p class="form-error" role="alert">
                {problem}
              </p>
            )}
            <button type="submit" class="primary">
              Apply time range
            </button>
          </form>
          <div class="presets">
            <h2 class="popover-title">Quick ranges</h2>
            <ul>
              {PRESETS.map((preset) => {
                const current = preset.from === range.from && preset.to === range.to;
                return (
                  <li key={preset.from}>
                    <button
                      type="button"
                      class="preset"
                      aria-current={current ? 'true' : undefined}
                      onClick={() => choose(preset)}
                    >
                      {preset.label}
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}
