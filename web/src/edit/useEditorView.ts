import { useCallback, useMemo } from 'preact/hooks';
import type { DashboardDocument } from '../api/documentTypes';
import { navigate, useLocation } from '../app/router';
import { buildSearch, parseUrlState, viewState, type ViewState } from '../dashboard/urlState';
import { withEditFlag } from './editUrl';

export interface EditorView {
  view: ViewState;
  /** Changes the time range or variables in the URL, staying in edit mode. */
  setView(change: Partial<ViewState>): void;
}

/** The time range and variables of the URL, as the view mode reads them, relative to the saved
 * dashboard's defaults. */
export function useEditorView(saved: DashboardDocument): EditorView {
  const location = useLocation();
  const defaults = useMemo(() => ({ time: saved.time, refresh: saved.refresh ?? '' }), [saved]);
  const view = viewState(parseUrlState(location.search), defaults);
  const setView = useCallback(
    (change: Partial<ViewState>) => {
      const next = { ...viewState(parseUrlState(window.location.search), defaults), ...change };
      navigate(`${window.location.pathname}${withEditFlag(buildSearch(next, defaults), true)}`);
    },
    [defaults],
  );
  return { view, setView };
}
