import { useEffect, useState } from 'preact/hooks';
import { getDashboard, listDashboards } from '../api/client';
import { saveDashboard, saveNewDashboard } from '../api/dashboardEdits';
import type { DashboardDocument } from '../api/documentTypes';
import type { DashboardSummary } from '../api/types';
import { navigate } from '../app/router';
import { usePopover } from '../app/usePopover';
import { followsNow, type TimeRange } from '../time/timeRange';
import { DEFAULT_RANGE } from './exploreUrl';
import { newQueryDashboard, withQueryPanel } from './panelPlacement';

interface Props {
  expr: string;
  range: TimeRange;
}

const NEW = '';
const SAVE_MESSAGE = 'Added a panel from Explore';

/** Saves the query as a time series panel and returns the dashboard's URL. */
async function addQueryPanel(
  expr: string,
  range: TimeRange,
  target: string,
  newTitle: string,
): Promise<string> {
  if (target === NEW) {
    // A dashboard keeps following the clock: a zoomed-in absolute range would freeze it.
    const time = followsNow(range) ? range : DEFAULT_RANGE;
    return (await saveNewDashboard(newQueryDashboard(newTitle, expr, time), SAVE_MESSAGE)).url;
  }
  const { dashboard, meta } = await getDashboard(target);
  // The whole stored document goes back, fields this UI does not know included.
  const document = { ...(dashboard as DashboardDocument), version: meta.version };
  return (await saveDashboard(withQueryPanel(document, expr), SAVE_MESSAGE)).url;
}

/** "Add to dashboard": an existing dashboard or a new one gets the query as a time series panel. */
export function AddToDashboard({ expr, range }: Props) {
  const { open, setOpen, buttonRef, panelRef } = usePopover();
  const [dashboards, setDashboards] = useState<DashboardSummary[] | null>(null);
  const [target, setTarget] = useState(NEW);
  const [title, setTitle] = useState('New dashboard');
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return undefined;
    setProblem(null);
    const controller = new AbortController();
    listDashboards({}, controller.signal)
      .then(setDashboards)
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setProblem(`The dashboards could not be listed: ${String(error)}`);
      });
    return () => controller.abort();
  }, [open]);

  const submit = (event: Event): void => {
    event.preventDefault();
    if (target === NEW && !title.trim()) {
      setProblem('Give the new dashboard a title.');
      return;
    }
    setSaving(true);
    setProblem(null);
    addQueryPanel(expr, range, target, title)
      .then((url) => navigate(url))
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)))
      .finally(() => setSaving(false));
  };

  return (
    <div class="popover-anchor">
      <button
        type="button"
        class="control"
        ref={buttonRef}
        aria-expanded={open}
        aria-haspopup="dialog"
        disabled={!expr.trim()}
        title={expr.trim() ? undefined : 'Run a query first'}
        onClick={() => setOpen(!open)}
      >
        Add to dashboard
      </button>
      {open && (
        <div class="popover add-to-dashboard" role="dialog" aria-label="Add to dashboard" ref={panelRef}>
          <form onSubmit={submit}>
            <h2 class="popover-title">Add the query as a panel</h2>
            <label class="field">
              Dashboard
              <select
                class="control"
                value={target}
                onChange={(event) => setTarget(event.currentTarget.value)}
              >
                <option value={NEW}>New dashboard</option>
                {(dashboards ?? []).map((dashboard) => (
                  <option key={dashboard.uid} value={dashboard.uid}>
                    {dashboard.folder ? `${dashboard.folder} / ${dashboard.title}` : dashboard.title}
                  </option>
                ))}
              </select>
            </label>
            {dashboards === null && !problem && <p class="hint">Loading dashboards…</p>}
            {target === NEW && (
              <label class="field">
                Title
                <input value={title} onInput={(event) => setTitle(event.currentTarget.value)} required />
              </label>
            )}
            {problem && (
              <p class="form-error" role="alert">
                {problem}
              </p>
            )}
            <button type="submit" class="primary" disabled={saving} aria-busy={saving}>
              {saving ? 'Adding…' : 'Add panel'}
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
