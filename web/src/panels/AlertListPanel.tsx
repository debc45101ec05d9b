import { formatText } from '../format/units';
import { shownValue } from './describe';
import { StatusBadge } from './StatusBadge';
import type { PanelProps } from './types';

/**
 * Alerts as the panel's data carries them: one series per alert (its labels name it). Until the
 * server evaluates alert rules the data is empty, and the panel says so plainly.
 */
export function AlertListPanel({ data }: PanelProps) {
  if (!data.frames.length) {
    return (
      <div class="empty-state">
        <StatusBadge status="ok" />
        <p>No firing or pending alerts.</p>
        <p class="muted">Alerts appear here once alert rules are evaluated (see Alerting).</p>
      </div>
    );
  }
  return (
    <ul class="alert-list">
      {data.frames.map((frame) => {
        const state = frame.labels.alertstate ?? 'firing';
        const severity = frame.labels.severity;
        return (
          <li key={frame.name}>
            <StatusBadge
              status={state === 'firing' ? (severity === 'warning' ? 'warning' : 'critical') : 'info'}
              compact
            />
            <span class="alert-name">{frame.labels.alertname ?? frame.name}</span>
            <span class="muted">
              {state}
              {severity ? ` · ${severity}` : ''} · {formatText(shownValue(frame), 'none')}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
