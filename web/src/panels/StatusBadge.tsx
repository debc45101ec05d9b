import { STATUS_TEXT, type Status } from '../format/color';

// One shape per status, so it reads without colour: a check, a triangle, an octagon, a circle.
const SHAPES: Record<Status, string> = {
  ok: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm-1.1 9.2L4.2 8l1-1 1.7 1.7 3.9-3.9 1 1-4.9 4.9Z',
  warning: 'M8 1.2 15 14H1L8 1.2Zm-.8 4.3v4.2h1.6V5.5H7.2Zm0 5.4v1.6h1.6v-1.6H7.2Z',
  critical:
    'M5.1 1h5.8L15 5.1v5.8L10.9 15H5.1L1 10.9V5.1L5.1 1Zm.6 3.6-1.1 1.1L6.9 8l-2.3 2.3 1.1 1.1L8 9.1l2.3 2.3 1.1-1.1L9.1 8l2.3-2.3-1.1-1.1L8 6.9 5.7 4.6Z',
  info: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13Zm-.8 3h1.6v1.6H7.2V4.5Zm0 3h1.6v4H7.2v-4Z',
  neutral: 'M8 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z',
};

export function StatusIcon({ status, color, size = 14 }: { status: Status; color?: string; size?: number }) {
  return (
    <svg
      class="status-icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      aria-hidden="true"
      fill={color ?? 'currentColor'}
    >
      <path fill-rule="evenodd" d={SHAPES[status]} />
    </svg>
  );
}

/** The status as an icon and a word; the colour only repeats what both say. */
export function StatusBadge({
  status,
  color,
  compact = false,
}: {
  status: Status;
  color?: string;
  compact?: boolean;
}) {
  return (
    <span
      class={`status-badge status-${status}${compact ? ' compact' : ''}`}
      style={color ? { color } : undefined}
    >
      <StatusIcon status={status} color={color} />
      <span class={compact ? 'sr-only' : undefined}>{STATUS_TEXT[status]}</span>
    </span>
  );
}
