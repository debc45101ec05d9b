import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, getDashboard } from '../api/client';
import type { DashboardAnswer } from '../api/types';
import { Link } from '../app/Link';
import { navigate, useLocation } from '../app/router';
import { LIVE_PANEL_TYPES, useLive } from '../live/useLive';
import { parseDuration } from '../time/duration';
import { followsNow, liveInterval, rangeSpan, zoomedRange } from '../time/timeRange';
import { DashboardToolbar } from '../toolbar/DashboardToolbar';
import { DashboardGrid } from './DashboardGrid';
import { drawnPanelIds, layoutSections } from './layout';
import { PanelStore } from './panelStore';
import { buildSearch, parseUrlState, viewState, type ViewState } from './urlState';
import { useDashboardData } from './useDashboardData';
import { useVisiblePanels } from './useVisiblePanels';

/** A dashboard, loaded by uid, drawn with the view state of the URL. */
export function DashboardView({ uid }: { uid: string }) {
  const [answer, setAnswer] = useState<DashboardAnswer | null>(null);
  const [problem, setProblem] = useState<{ status: number; message: string } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setAnswer(null);
    setProblem(null);
    getDashboard(uid, controller.signal)
      .then(setAnswer)
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setProblem({
          status: error instanceof ApiError ? error.status : 0,
          message: error instanceof Error ? error.message : String(error),
        });
      });
    return () => controller.abort();
  }, [uid]);

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
  return <LoadedDashboard key={`${answer.dashboard.uid}@${answer.meta.version}`} answer={answer} />;
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
  const drawnIds = useMemo(() => drawnPanelIds(sections), [sections]);
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

  const liveOn = view.live && followsNow(view.range);
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
    refreshMs: parseDuration(view.refresh) ?? 0,
    streamed,
    widthPx,
  });

  const onZoom = useCallback(
    (from: number, to: number) => setView({ range: zoomedRange(from, to), live: false }, true),
    [setView],
  );

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
      />
      {dashboard.description && <p class="sr-only">{dashboard.description}</p>}
      <div ref={gridRef}>
        <DashboardGrid
          sections={sections}
          store={store}
          syncKey={`pulseboard:${dashboard.uid}`}
          onZoom={onZoom}
          onToggleRow={(rowId, collapsed) => setCollapsedRows((rows) => ({ ...rows, [rowId]: collapsed }))}
        />
      </div>
    </div>
  );
}
