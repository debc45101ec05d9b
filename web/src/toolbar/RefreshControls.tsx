import { REFRESH_CHOICES } from '../time/timeRange';

interface Props {
  refresh: string;
  refreshing: boolean;
  live: boolean;
  liveAllowed: boolean;
  liveState: string;
  liveDetail?: string;
  onRefresh(): void;
  onRefreshChange(refresh: string): void;
  onLiveChange(live: boolean): void;
}

const LIVE_TEXT: Record<string, string> = {
  connecting: 'connecting',
  open: 'streaming',
  reconnecting: 'reconnecting',
  failed: 'stopped',
  closed: 'off',
  off: 'off',
};

export function RefreshControls(props: Props) {
  const { refresh, refreshing, live, liveAllowed, liveState } = props;
  const choices = REFRESH_CHOICES.includes(refresh) ? REFRESH_CHOICES : [...REFRESH_CHOICES, refresh];
  return (
    <div class="refresh-controls">
      <button
        type="button"
        class="control icon-control"
        onClick={props.onRefresh}
        aria-label="Refresh now"
        title="Refresh now"
        aria-busy={refreshing}
      >
        <svg
          class={refreshing ? 'spin' : undefined}
          width="14"
          height="14"
          viewBox="0 0 16 16"
          aria-hidden="true"
        >
          <path
            fill="currentColor"
            d="M8 2.5a5.5 5.5 0 0 0-5.2 3.7l-1.4-.5A7 7 0 0 1 14 5V2h1.5v5.5H10V6h2.9A5.5 5.5 0 0 0 8 2.5ZM2 10.9V14H.5V8.5H6V10H3.1a5.5 5.5 0 0 0 10.1-2.2l1.5.4A7 7 0 0 1 2 10.9Z"
          />
        </svg>
      </button>
      <label class="select-label">
        <span class="sr-only">Auto-refresh</span>
        <select
          class="control"
          value={refresh}
          title={live ? 'Refresh of the panels that live updates do not carry' : 'Auto-refresh'}
          onChange={(event) => props.onRefreshChange(event.currentTarget.value)}
        >
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice ? `Every ${choice}` : 'Auto-refresh off'}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        role="switch"
        class={`control live-toggle live-${live ? liveState : 'off'}`}
        aria-checked={live}
        disabled={!liveAllowed && !live}
        title={
          liveAllowed
            ? (props.liveDetail ?? 'Stream new points as they arrive')
            : 'Live updates need a range that ends now'
        }
        onClick={() => props.onLiveChange(!live)}
      >
        <span class="live-dot" aria-hidden="true" />
        Live
        <span class="live-state">{live ? (LIVE_TEXT[liveState] ?? liveState) : ''}</span>
      </button>
    </div>
  );
}
