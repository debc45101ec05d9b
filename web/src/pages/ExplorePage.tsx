import { useMemo, useRef, useState, useEffect } from 'preact/hooks';
import { navigate, useLocation } from '../app/router';
import { AddToDashboard } from '../explore/AddToDashboard';
import { exploreUrl, parseExploreUrl, type ExploreState } from '../explore/exploreUrl';
import { QueryHistory } from '../explore/QueryHistory';
import { loadHistory, remember, saveHistory, type HistoryEntry } from '../explore/queryHistory';
import { QueryModeToggle } from '../explore/QueryModeToggle';
import { QueryResult } from '../explore/QueryResult';
import { useQueryResult } from '../explore/useQueryResult';
import { PromQLEditor } from '../query/PromQLEditor';
import { zoomedRange } from '../time/timeRange';
import { TimeRangePicker } from '../toolbar/TimeRangePicker';
import '../explore/explore.css';

const EDITOR_ID = 'explore-query';

/**
 * Explore: one PromQL query, run as a graph over a range or a table at an instant. The query
 * that ran is in the URL (a link or Back restores it); the editor holds the draft.
 */
export default function ExplorePage() {
  const location = useLocation();
  const submitted = useMemo(() => parseExploreUrl(location.search, Date.now()), [location.search]);
  const [draft, setDraft] = useState(submitted.expr);
  const [runId, setRunId] = useState(0);
  const [history, setHistory] = useState<HistoryEntry[]>(loadHistory);
  const results = useRef<HTMLDivElement>(null);
  const outcome = useQueryResult(submitted, runId, () => results.current?.clientWidth ?? window.innerWidth);

  // Back, Forward or a link: the editor shows the query of the URL.
  useEffect(() => setDraft(submitted.expr), [submitted.expr]);

  const show = (change: Partial<ExploreState>): void => navigate(exploreUrl({ ...submitted, ...change }));

  const run = (): void => {
    if (!draft.trim()) return;
    show({ expr: draft });
    setRunId((id) => id + 1); // the same URL again still runs again: "now" has moved
    setHistory((before) => {
      const after = remember(before, draft, Date.now());
      saveHistory(after);
      return after;
    });
  };

  const restore = (expr: string): void => {
    setDraft(expr);
    document.getElementById(EDITOR_ID)?.focus();
  };

  const clearHistory = (): void => {
    setHistory([]);
    saveHistory([]);
  };

  return (
    <div class="explore">
      <div class="explore-main">
        <div class="explore-header">
          <h1>Explore</h1>
          <div class="explore-controls">
            <QueryModeToggle mode={submitted.mode} onChange={(mode) => show({ mode })} />
            <TimeRangePicker range={submitted.range} onChange={(range) => show({ range })} />
            <AddToDashboard expr={submitted.expr} range={submitted.range} />
          </div>
        </div>
        <div class="explore-query">
          <span class="field-label" aria-hidden="true">
            PromQL query
          </span>
          <div class="explore-query-row">
            <PromQLEditor
              id={EDITOR_ID}
              label="PromQL query"
              value={draft}
              onChange={setDraft}
              onRun={run}
              autoFocus
            />
            <button type="button" class="primary" onClick={run} disabled={!draft.trim()}>
              Run query
            </button>
          </div>
          <p class="hint">Shift+Enter or Ctrl+Enter runs the query; Tab leaves the editor.</p>
        </div>
        <div class="explore-results" ref={results}>
          <QueryResult outcome={outcome} onZoom={(from, to) => show({ range: zoomedRange(from, to) })} />
        </div>
      </div>
      <QueryHistory entries={history} onRestore={restore} onClear={clearHistory} />
    </div>
  );
}
