import { useEffect, useState } from 'preact/hooks';
import { listDashboards } from '../api/client';
import type { DashboardSummary } from '../api/types';
import { Link } from '../app/Link';
import { recentDashboards, type RecentDashboard } from '../dashboard/recent';
import { LazyImportDialog, LazyNewDashboardDialog } from '../edit/lazy';

function DashboardLinks({ items, empty }: { items: RecentDashboard[] | null; empty: string }) {
  if (items === null) return <p class="muted">Loading…</p>;
  if (!items.length) return <p class="muted">{empty}</p>;
  return (
    <ul class="dashboard-links">
      {items.map((item) => (
        <li key={item.uid}>
          <Link href={item.url}>{item.title}</Link>
          <span class="muted">
            {item.folder}
            {item.tags.length ? ` · ${item.tags.slice(0, 3).join(', ')}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Starred dashboards, and all of them with a search by title. */
export function DashboardList() {
  const [query, setQuery] = useState('');
  const [starred, setStarred] = useState<DashboardSummary[] | null>(null);
  const [found, setFound] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'new' | 'import' | null>(null);
  const [recent] = useState(recentDashboards);

  useEffect(() => {
    const controller = new AbortController();
    listDashboards({ starred: true }, controller.signal)
      .then(setStarred)
      .catch(() => controller.signal.aborted || setStarred([]));
    return () => controller.abort();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    // Typing waits for a pause before asking the server.
    const timer = setTimeout(
      () => {
        listDashboards({ query: query.trim() }, controller.signal)
          .then((items) => {
            setFound(items);
            setError(null);
          })
          .catch((reason: unknown) => {
            if (!controller.signal.aborted)
              setError(reason instanceof Error ? reason.message : String(reason));
          });
      },
      query ? 200 : 0,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return (
    <aside class="dashboard-list" aria-label="Dashboards">
      <div class="dashboard-list-actions edit-entry">
        <button type="button" class="control" onClick={() => setDialog('new')}>
          New dashboard
        </button>
        <button type="button" class="control" onClick={() => setDialog('import')}>
          Import dashboard
        </button>
      </div>
      {dialog === 'new' && <LazyNewDashboardDialog onClose={() => setDialog(null)} />}
      {dialog === 'import' && <LazyImportDialog onClose={() => setDialog(null)} />}
      <section aria-labelledby="starred-heading">
        <h2 id="starred-heading">Starred</h2>
        <DashboardLinks items={starred} empty="Star a dashboard to keep it here." />
      </section>
      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recently viewed</h2>
        <DashboardLinks items={recent} empty="Dashboards you open appear here." />
      </section>
      <section aria-labelledby="all-heading">
        <h2 id="all-heading">All dashboards</h2>
        <label class="search">
          <span class="sr-only">Search dashboards by title</span>
          <input
            type="search"
            placeholder="Search dashboards"
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
        </label>
        {error ? (
          <p class="form-error">{error}</p>
        ) : (
          <DashboardLinks items={found} empty="No dashboard matches." />
        )}
      </section>
    </aside>
  );
}
