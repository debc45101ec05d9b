// The edit mode's panel data: the document as edited, evaluated by the server without saving it
// (POST /api/dashboards/data). Only panels whose queries or options changed are asked for
// again, a moment after the typing stops; a new range or new variables ask for all of them.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { DocumentError, unsavedPanelData, type Problem } from '../api/dashboardEdits';
import type { DashboardDocument, PanelDocument } from '../api/documentTypes';
import type { PanelData } from '../api/types';
import type { PanelStore } from '../dashboard/panelStore';
import type { ViewState } from '../dashboard/urlState';
import { isRow } from './dashboardEdits';
import { documentKey } from './dirty';

const QUIET_MS = 600;
const PANEL_PATH = /^panels\[(\d+)\]\.?/;

interface Options {
  dashboard: DashboardDocument;
  store: PanelStore;
  view: Pick<ViewState, 'range' | 'vars'>;
  widthPx(): number;
}

/** What a panel's data depends on: not where it is, nor its title. */
function dataKey(panel: PanelDocument): string {
  const { gridPos, title: _title, description: _description, ...rest } = panel;
  return documentKey({ ...rest, width: gridPos.w });
}

function drawnPanels(dashboard: DashboardDocument): PanelDocument[] {
  return dashboard.panels.filter((panel) => !isRow(panel));
}

/** A panel's problems in the data's own shape, so the panel shows them as query errors. */
function failed(panel: PanelDocument, problems: Problem[], message: string): PanelData {
  const errors = problems.length
    ? problems.map((problem) => ({ refId: problem.path || 'panel', message: problem.message }))
    : [{ refId: 'panel', message }];
  return {
    id: panel.id,
    type: panel.type,
    state: 'error',
    errors,
    warnings: [],
    stepMs: null,
    fieldConfig: {},
    frames: [],
  };
}

/** Returns `run(id)`: ask for one panel's data now, without waiting (the editor's Run button). */
export function usePreviewData({ dashboard, store, view, widthPx }: Options): (id: number) => void {
  // The key of the data each panel shows or has been asked for.
  const asked = useRef(new Map<number, string>());
  const [forced, setForced] = useState(0);
  const immediate = useRef(true);
  // A new range or new variable values are asked for at once; edited variables are typed, and
  // wait for a pause like the panels' own edits.
  const viewKey = documentKey([view.range, view.vars]);
  const sharedKey = documentKey([dashboard.variables, dashboard.timezone, viewKey]);
  const latest = useRef({ dashboard, view });
  latest.current = { dashboard, view };

  const load = useCallback(
    async (panels: PanelDocument[]) => {
      const { dashboard: document, view: asOf } = latest.current;
      const keys = new Map(panels.map((panel) => [panel.id, dataKey(panel)]));
      keys.forEach((key, id) => asked.current.set(id, key));
      const current = (id: number): boolean => asked.current.get(id) === keys.get(id);
      store.setStatus({ refreshing: true });
      try {
        // Only these panels: another panel's half-made edit cannot fail them.
        const answer = await unsavedPanelData(
          { ...document, panels },
          { from: asOf.range.from, to: asOf.range.to, vars: asOf.vars, width: widthPx() },
        );
        for (const [id, data] of Object.entries(answer.panels)) {
          if (current(Number(id))) store.set(Number(id), data, [answer.from, answer.to]);
        }
        store.setStatus({ computedAt: answer.computedAt, error: null, variables: answer.variables });
      } catch (error) {
        const problems = error instanceof DocumentError ? error.problems : [];
        const message = error instanceof Error ? error.message : String(error);
        const panelProblems = problems.filter((problem) => PANEL_PATH.test(problem.path));
        panels.forEach((panel, index) => {
          if (!current(panel.id)) return;
          const own = panelProblems.filter((problem) => PANEL_PATH.exec(problem.path)?.[1] === String(index));
          store.set(
            panel.id,
            failed(
              panel,
              own.map((p) => ({ ...p, path: p.path.replace(PANEL_PATH, '') })),
              message,
            ),
            [0, 1],
          );
        });
        if (problems.length > panelProblems.length || !problems.length) store.setStatus({ error: message });
      } finally {
        store.setStatus({ refreshing: false });
      }
    },
    [store, widthPx],
  );

  useEffect(() => {
    immediate.current = true;
  }, [viewKey]);

  useEffect(() => asked.current.clear(), [sharedKey]);

  useEffect(() => {
    const stale = drawnPanels(dashboard).filter((panel) => asked.current.get(panel.id) !== dataKey(panel));
    if (!stale.length) return undefined;
    const wait = immediate.current ? 0 : QUIET_MS;
    immediate.current = false;
    const timer = setTimeout(() => void load(stale), wait);
    return () => clearTimeout(timer);
  }, [dashboard, sharedKey, forced, load]);

  return useCallback((id: number) => {
    asked.current.delete(id);
    immediate.current = true;
    setForced((count) => count + 1);
  }, []);
}
