import { STATUS_TEXT } from '../format/color';
import { displayText, displayValue } from './display';
import { StatusIcon } from './StatusBadge';
import type { PanelProps } from './types';

/** Bars, one per series, as a list: each row says its name, value and status in text. */
export function BarGaugePanel({ data, theme }: PanelProps) {
  const defaults = data.fieldConfig;
  const rows = data.frames.map((frame) => ({ frame, display: displayValue(frame, defaults, theme) }));
  const values = rows.map((row) => row.display.value).filter((v): v is number => v !== null);
  // Bars compare series with each other: the longest is the highest value, unless max is set.
  const min = defaults.min ?? Math.min(0, ...values);
  const max = defaults.max ?? Math.max(...values, min + 1e-12);
  return (
    <ul class="bargauge">
      {rows.map(({ frame, display }) => {
        const share =
          display.value === null ? 0 : Math.min(Math.max((display.value - min) / (max - min || 1), 0), 1);
        return (
          <li key={`${frame.refId}:${frame.name}`}>
            <span class="bargauge-name" title={frame.name}>
              {frame.name}
            </span>
            <span class="bargauge-track" aria-hidden="true">
              <span
                class="bargauge-fill"
                style={{
                  width: `${(share * 100).toFixed(1)}%`,
                  background: display.fillColor ?? 'var(--accent)',
                }}
              />
            </span>
            <span class="bargauge-value" style={{ color: display.textColor }}>
              {display.status && <StatusIcon status={display.status} />}
              {displayText(display)}
              {display.status && <span class="sr-only">, {STATUS_TEXT[display.status]}</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
