// Loading the panels' data: every drawn panel in one request when the range or the variables
// change, only the newly drawn ones when a row opens, and again at the refresh interval (paused
// while the tab is hidden; panels that live updates carry are left out).

import { useCallback, useEffect, useRef } from 'preact/hooks';
import { ApiError, panelData } from '../api/client';
import type { TimeRange } from '../time/timeRange';
import type { PanelStore } from './panelStore';

interface Options {
  uid: string;
  store: PanelStore;
  range: TimeRange;
  vars: Record<string, string[]>;
  drawnIds: number[];
  /** 0: no polling. */
  refreshMs: number;
  /** Panels that polling leaves alone (live updates carry their data). */
  streamed: Set<number>;
  widthPx: () => number;
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `The server could not be reached (${error.message}).`;
  return String(error);
}

export function useDashboardData({
  uid,
  store,
  range,
  vars,
  drawnIds,
  refreshMs,
  streamed,
  widthPx,
}: Options): () => void {
  const queryKey = JSON.stringify([uid, range.from, range.to, vars]);
  const loadedFor = useRef<{ key: string; ids: Set<number> }>({ key: '', ids: new Set() });
  const drawn = useRef(drawnIds);
  drawn.current = drawnIds;
  const latest = useRef<AbortController | null>(null);
  const skipped = useRef(streamed);
  skipped.current = streamed;

  const load = useCallback(
    async (ids: number[], whole: boolean) => {
      if (!ids.length) return;
      const controller = new AbortController();
      if (whole) {
        latest.current?.abort(); // a newer question makes the older answer useless
        latest.current = controller;
      }
      const key = queryKey;
      ids.forEach((id) => loadedFor.current.ids.add(id));
      store.setStatus({ refreshing: true });
      try {
        const answer = await panelData(
          uid,
          { from: range.from, to: range.to, vars, panels: ids, width: widthPx() },
          controller.signal,
        );
        if (loadedFor.current.key !== key) return;
        for (const [id, data] of Object.entries(answer.panels))
          store.set(Number(id), data, [answer.from, answer.to]);
        store.setStatus({ computedAt: answer.computedAt, error: null, variables: answer.variables });
      } catch (error) {
        if (controller.signal.aborted) return;
        ids.forEach((id) => loadedFor.current.ids.delete(id));
        store.setStatus({ error: describeError(error) });
      } finally {
        if (!controller.signal.aborted) store.setStatus({ refreshing: false });
      }
    },
    // queryKey stands for range and vars: the callback changes when the question does.
    [queryKey, store, widthPx],
  );

  useEffect(() => {
    loadedFor.current = { key: queryKey, ids: new Set() };
    void load(drawn.current, true);
    return () => latest.current?.abort();
  }, [load, queryKey]);

  const drawnKey = drawnIds.join(',');
  useEffect(() => {
    const missing = drawn.current.filter((id) => !loadedFor.current.ids.has(id));
    if (loadedFor.current.key === queryKey && missing.length) void load(missing, false);
  }, [drawnKey, load, queryKey]);

  useEffect(() => {
    if (!refreshMs) return undefined;
    const timer = setInterval(() => {
      if (document.hidden) return;
      void load(
        drawn.current.filter((id) => !skipped.current.has(id)),
        true,
      );
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, load]);

  return useCallback(() => void load(drawn.current, true), [load]);
}
