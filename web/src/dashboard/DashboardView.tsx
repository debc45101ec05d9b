import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, getDashboard } from '../api/client';
import type { DashboardAnswer } from '../api/types';
import { Link } from '../app/Link';
import { navigate, useLocation } from '../app/router';
import { useLazyModule } from '../app/useLazyModule';
import { isEditing, withEditFlag } from '../edit/editUrl';
import { LazyDashboardEditor } from '../edit/lazy';
import { LIVE_PANEL_TYPES, useLive } from '../live/useLive';
import { parseDuration } from '../time/duration';
import { followsNow, liveInterval, rangeSpan, zoomedRange } from '../time/timeRange';
import { DashboardToolbar } from '../toolbar/DashboardToolbar';
import { DashboardGrid } from './DashboardGrid';
import { drawnPanelIds, layoutSections, panelsById } from './layout';
import { PanelFrame } from './PanelFrame';
import { PanelStore } from './panelStore';
import { buildSearch, parseUrlState, viewState, type ViewState } from './urlState';
import { useDashboardData } from './useDashboardData';
import { useVisiblePanels } from './useVisiblePanels';
import { enterMode, leaveMode, useEscapeToLeave } from './viewModes';
import '../styles/print.css';
import { rememberVisit } from './recent';
import { TimeZoneContext, zoneOfDashboard } from '../format/time';

// The print view's code loads when it is opened.
const loadPrintLayout = () => import('../export/PrintLayout');

/** A dashboard, loaded by uid, drawn with the view state of the URL. */
/** `home`: drawn as the home page's dashboard, which is not a visit the recent list keeps. */
export function DashboardView({ uid, home = false }: { uid: string; home?: boolean }) {
  const [answer, setAnswer] = useState<DashboardAnswer | null>(null);
  const [problem, setProblem] = useState<{ status: number; message: string } | null>(null);
  // Bumped after the editor saved: the new version is loaded in place of the old one.
  const [generation, setGeneration] = useState(0);
  const location = useLocation();

  useEffect(() => {
    const controller = new AbortController();
    setAnswer((current) => (current?.dashboard.uid === uid ? current : null));
    setProblem(null);
    getDashboard(uid, controller.signal)
      .then((loaded) => {
        setAnswer(loaded);
        if (!home) rememberVisit(loaded);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setProblem({
          status: error instanceof ApiError ? error.status : 0,
          message: error instanceof Error ? error.message : String(error),
        });
      });
    return () => controller.abort();
  }, [uid, generation]);

  if (problem) {
    return (
      <div class="page-message" role="alert">
        <h1>{problem.status === 404 ? 'Dashboard not found' : 'The dashboard could not be loaded'}</h1>
        <p>{problem.message}</p>
        <p>
          <Link href="/">Go to the home dashboard</Link>
        </p>
      </div>
    );
  }
  if (!answer) {
    return (
      <div class="dashboard loading" aria-busy="true">
        <p class="sr-only">Loading the dashboard…</p>
        <div class="toolbar-skeleton" />
        <div class="grid-skeleton" />
      </div>
    );
  }
  const key = `${answer.dashboard.uid}@${answer.meta.version}`;
  return (
    <TimeZoneContext.Provider value={zoneOfDashboard(answer.dashboard.timezone)}>
      {isEditing(location.search) ? (
        <LazyDashboardEditor key={key} answer={answer} onSaved={() => setGeneration((n) => n + 1)} />
      ) : (
        <LoadedDashboard key={key} answer={answer} />
      )}
    </TimeZoneContext.Provider>
  );
}

function LoadedDashboard({ answer }: { answer: DashboardAnswer }) {
  const { dashboard, meta } = answer;
  const location = useLocation();
  const defaults = useMemo(() => ({ time: dashboard.time, refresh: dashboard.refresh ?? '' }), [dashboard]);
  const view = viewState(parseUrlState(location.search), defaults);
  const store = useMemo(() => new PanelStore(), []);
  const [collapsedRows, setCollapsedRows] = useState<Record<number, boolean>>({});
  const sections = useMemo(
    () => layoutSections(dashboard.panels, collapsedRows),
    [dashboard.panels, collapsedRows],
  );
  // One panel alone (?viewPanel), or the print view (?print): other views of the same data.
  const alone = view.viewPanel === undefined ? undefined : panelsById(dashboard.panels).get(view.viewPanel);
  const paper = new URLSearchParams(location.search).get('print');
  const printView = useLazyModule(loadPrintLayout, paper !== null);
  useEscapeToLeave('viewPanel', view.viewPanel !== undefined);
  const drawnIds = useMemo(() => (alone ? [alone.id] : drawnPanelIds(sections)), [alone, sections]);
  const gridRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = `${dashboard.title} · Pulseboard`;
  }, [dashboard.title]);

  const setView = useCallback(
    (change: Partial<ViewState>, push: boolean) => {
      const next = { ...viewState(parseUrlState(window.location.search), defaults), ...change };
      navigate(`${window.location.pathname}${buildSearch(next, defaults)}`, { replace: !push });
    },
    [defaults],
  );

  // Paper shows one moment: no live updates or refreshes while printing.
  const liveOn = paper === null && view.live && followsNow(view.range);
  const visible = useVisiblePanels(gridRef, drawnIds.join(','));
  const livePanels = useMemo(
    () =>
      sections
        .flatMap((section) => section.items.map((item) => item.panel))
        .filter((panel) => LIVE_PANEL_TYPES.has(panel.type) && visible.has(panel.id)),
    [sections, visible],
  );
  const live = useLive({
    enabled: liveOn,
    uid: dashboard.uid,
    store,
    panels: livePanels,
    vars: view.vars,
    span: followsNow(view.range) ? rangeSpan(view.range, Date.now()) : '1h',
    interval: liveInterval(view.refresh),
  });
  // Live updates carry time series and stats; the other panels keep refreshing. A live
  // connection the server refused falls back to refreshing everything.
  const streaming = liveOn && live.state !== 'failed';
  const streamed = useMemo(
    () => new Set(streaming ? livePanels.map((panel) => panel.id) : []),
    [streaming, livePanels],
  );

  const widthPx = useCallback(
    () => Math.min(Math.max(gridRef.current?.clientWidth ?? window.innerWidth, 100), 20_000),
    [],
  );
  const reload = useDashboardData({
    uid: dashboard.uid,
    store,
    range: view.range,
    vars: view.vars,
    drawnIds,
    refreshMs: paper === null ? (parseDuration(view.refresh) ?? 0) : 0,
    streamed,
    widthPx,
  });

  const onZoom = useCallback(
    (from: number, to: number) => setView({ range: zoomedRange(from, to), live: false }, true),
    [setView],
  );

  // A drag on a chart in the print view would leave it (the range is in the URL it replaces).
  const zoom = paper === null ? onZoom : () => undefined;
  const grid =
    view.viewPanel === undefined ? (
      <DashboardGrid
        sections={sections}
        store={store}
        syncKey={`pulseboard:${dashboard.uid}`}
        onZoom={zoom}
        onToggleRow={(rowId, collapsed) => setCollapsedRows((rows) => ({ ...rows, [rowId]: collapsed }))}
      />
    ) : (
      <div class="view-panel">
        <button type="button" class="link-button" onClick={() => leaveMode('viewPanel')}>
          ← Back to dashboard <kbd>Esc</kbd>
        </button>
        {alone ? (
          <PanelFrame
            placed={{ panel: alone, x: 0, y: 0, w: 24, h: alone.gridPos.h }}
            store={store}
            syncKey={`pulseboard:${dashboard.uid}`}
            onZoom={zoom}
            alone
          />
        ) : (
          <p class="page-message" role="alert">
            Panel {view.viewPanel} is not on this dashboard.
          </p>
        )}
      </div>
    );

  if (paper !== null) {
    const Print = printView.module?.PrintLayout;
    if (!Print) {
      return (
        <p class="muted">
          {printView.failed ? 'The print view could not be loaded.' : 'Preparing the print view…'}
        </p>
      );
    }
    return (
      <Print
        dashboard={dashboard}
        view={view}
        store={store}
        paper={paper}
        onPaper={(next) => enterMode('print', next, { replace: true })}
        onClose={() => leaveMode('print')}
      >
        <div ref={gridRef}>{grid}</div>
      </Print>
    );
  }

  return (
    <div class="dashboard">
      <DashboardToolbar
        dashboard={dashboard}
        meta={meta}
        store={store}
        view={view}
        live={live}
        onRange={(range) => setView({ range, ...(followsNow(range) ? {} : { live: false }) }, true)}
        onRefreshChange={(refresh) => setView({ refresh }, false)}
        onLiveChange={(on) => setView({ live: on }, false)}
        onVariable={(name, values) => setView({ vars: { ...view.vars, [name]: values } }, true)}
        onReload={reload}
        onEdit={() =>
          navigate(`/d/${encodeURIComponent(dashboard.uid)}${withEditFlag(location.search, true)}`)
        }
      />
      {dashboard.description && <p class="sr-only">{dashboard.description}</p>}
      <div ref={gridRef}>{grid}</div>
    </div>
  );
}
