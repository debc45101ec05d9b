import { useState } from 'preact/hooks';
import { setStarred } from '../api/client';
import type { Dashboard, DashboardMeta } from '../api/types';
import { useDashboardStatus, type PanelStore } from '../dashboard/panelStore';
import type { ViewState } from '../dashboard/urlState';
import type { LiveStatus } from '../live/useLive';
import { ShareAndPrint } from '../export/ShareAndPrint';
import { followsNow, zoomedOut, type TimeRange } from '../time/timeRange';
import { RefreshControls } from './RefreshControls';
import { TimeRangePicker } from './TimeRangePicker';
import { UpdatedAgo } from './UpdatedAgo';
import { VariableBar } from './VariableBar';

interface Props {
  dashboard: Dashboard;
  meta: DashboardMeta;
  store: PanelStore;
  view: ViewState;
  live: LiveStatus;
  onRange(range: TimeRange): void;
  onRefreshChange(refresh: string): void;
  onLiveChange(live: boolean): void;
  onVariable(name: string, values: string[]): void;
  onReload(): void;
  /** Opens edit mode (absent: the dashboard cannot be edited here). */
  onEdit?(): void;
}

function StarButton({ uid, starred }: { uid: string; starred: boolean }) {
  const [on, setOn] = useState(starred);
  const toggle = async (): Promise<void> => {
    setOn(!on);
    try {
      await setStarred(uid, !on);
    } catch {
      setOn(on); // the server did not take it: show what is stored
    }
  };
  return (
    <button
      type="button"
      class="icon-button star"
      aria-pressed={on}
      onClick={() => void toggle()}
      title={on ? 'Unstar' : 'Star'}
    >
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <path
          d="m8 1.5 2 4.2 4.6.6-3.4 3.2.9 4.5L8 11.8 3.9 14l.9-4.5-3.4-3.2 4.6-.6L8 1.5Z"
          fill={on ? 'currentColor' : 'none'}
          stroke="currentColor"
          stroke-width="1.3"
        />
      </svg>
      <span class="sr-only">Star this dashboard</span>
    </button>
  );
}

/** Title, time range, refresh and live controls, variables, and the state of the data. */
export function DashboardToolbar(props: Props) {
  const { dashboard, meta, store, view, live } = props;
  const status = useDashboardStatus(store);
  return (
    <div class="dashboard-toolbar">
      <div class="toolbar-row">
        <div class="dashboard-title">
          {meta.folder && <span class="folder muted">{meta.folder} /</span>}
          <h1>{dashboard.title}</h1>
          <StarButton uid={dashboard.uid} starred={meta.starred} />
        </div>
        <div class="toolbar-controls">
          <UpdatedAgo computedAt={status.computedAt} refreshing={status.refreshing} />
          <TimeRangePicker range={view.range} onChange={props.onRange} />
          <button
            type="button"
            class="control icon-control"
            onClick={() => props.onRange(zoomedOut(view.range, Date.now()))}
            title="Zoom out (twice the time range)"
          >
            <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
              <path
                fill="currentColor"
                d="M6.5 1a5.5 5.5 0 0 1 4.4 8.8l4 4-1.1 1.1-4-4A5.5 5.5 0 1 1 6.5 1Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8ZM4 5.8h5v1.4H4V5.8Z"
              />
            </svg>
            <span class="sr-only">Zoom out</span>
          </button>
          <RefreshControls
            refresh={view.refresh}
            refreshing={status.refreshing}
            live={view.live}
            liveAllowed={followsNow(view.range)}
            liveState={live.state}
            liveDetail={live.detail}
            onRefresh={props.onReload}
            onRefreshChange={props.onRefreshChange}
            onLiveChange={props.onLiveChange}
          />
          <ShareAndPrint dashboard={dashboard} view={view} store={store} />
          {props.onEdit && (
            <button type="button" class="control edit-entry" onClick={props.onEdit}>
              Edit
            </button>
          )}
        </div>
      </div>
      <VariableBar
        variables={dashboard.variables}
        answers={status.variables}
        chosen={view.vars}
        onChange={props.onVariable}
      />
      <div role="status" class="toolbar-status">
        {status.error && (
          <p class="banner-error">
            Could not load the data: {status.error} The panels show what was loaded before.
          </p>
        )}
      </div>
    </div>
  );
}
