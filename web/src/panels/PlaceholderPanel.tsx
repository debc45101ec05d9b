import type { PanelProps } from './types';

/** An imported panel this UI cannot draw: it says what it was, so nothing is lost silently. */
export function PlaceholderPanel({ panel }: PanelProps) {
  const options = panel.options ?? {};
  const message =
    typeof options.message === 'string'
      ? options.message
      : `This was a Grafana “${String(options.originalType ?? 'unknown')}” panel, which Pulseboard cannot draw yet. Its settings are kept and exported again unchanged.`;
  return (
    <div class="empty-state placeholder">
      <p>{message}</p>
    </div>
  );
}

/** A panel type the UI does not know at all. */
export function UnknownPanel({ panel }: PanelProps) {
  return <p class="empty-state">Panels of type “{panel.type}” cannot be drawn yet.</p>;
}
