import { useMemo, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { formatDuration } from '../time/duration';
import { momentFormat } from '../format/time';
import { instantTable } from './instantTable';
import { InstantResultTable } from './InstantResultTable';
import { rangeFrames } from './rangeFrames';
import { ResultGraph } from './ResultGraph';
import type { QueryAnswered, QueryOutcome } from './useQueryResult';

interface Props {
  outcome: QueryOutcome;
  onZoom(fromMs: number, toMs: number): void;
}

function seriesCount(answer: QueryAnswered['answer']): number {
  const { data } = answer;
  return data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length : 1;
}

function Stats({ done, children }: { done: QueryAnswered; children?: ComponentChildren }) {
  const count = seriesCount(done.answer);
  const parts = [
    `${count} series`,
    `${Math.round(done.tookMs)} ms`,
    done.stepMs === null ? `at ${momentFormat.format(done.range[1])}` : `step ${formatDuration(done.stepMs)}`,
  ];
  return (
    <div class="explore-result-header">
      <p class="explore-stats muted" role="status">
        {parts.join(' · ')}
      </p>
      {children}
    </div>
  );
}

/** The server's warnings and infos (Prometheus' "annotations"), e.g. a counter without _total. */
function Notes({ answer }: { answer: QueryAnswered['answer'] }) {
  const notes = [
    ...(answer.warnings ?? []).map((text) => ({ kind: 'Warning', text })),
    ...(answer.infos ?? []).map((text) => ({ kind: 'Info', text })),
  ];
  if (!notes.length) return null;
  return (
    <ul class="explore-warnings">
      {notes.map((note) => (
        <li key={`${note.kind}:${note.text}`}>
          <strong>{note.kind}:</strong> {note.text}
        </li>
      ))}
    </ul>
  );
}

function Answered({ done, onZoom }: { done: QueryAnswered; onZoom: Props['onZoom'] }) {
  // Only what this mode shows: a long range answer's table would walk every sample for nothing.
  const ranged = done.mode === 'range';
  const frames = useMemo(() => (ranged ? rangeFrames(done.answer.data) : []), [done.answer, ranged]);
  const table = useMemo(() => (ranged ? null : instantTable(done.answer.data)), [done.answer, ranged]);
  const empty = seriesCount(done.answer) === 0;
  const [asTable, setAsTable] = useState(false);
  const graphed = ranged && !empty;
  return (
    <>
      <Stats done={done}>
        {graphed && (
          <button
            type="button"
            class="control"
            aria-pressed={asTable}
            onClick={() => setAsTable((shown) => !shown)}
          >
            Show as table
          </button>
        )}
      </Stats>
      <Notes answer={done.answer} />
      {empty ? (
        <p class="explore-empty">
          No series matched: the query is valid, but there is no data for it in this range.
        </p>
      ) : ranged ? (
        <ResultGraph
          frames={frames}
          stepMs={done.stepMs ?? 0}
          range={done.range}
          asTable={asTable}
          onZoom={onZoom}
        />
      ) : (
        table && (
          <InstantResultTable table={table} caption={`Values at ${momentFormat.format(done.range[1])}`} />
        )
      )}
    </>
  );
}

/** What the last run said: its numbers, a graph or table, or the server's error as it was sent. */
export function QueryResult({ outcome, onZoom }: Props) {
  switch (outcome.status) {
    case 'idle':
      return (
        <p class="explore-empty muted">
          Write a PromQL query and run it with Shift+Enter or the Run query button.
        </p>
      );
    case 'loading':
      return (
        <p class="explore-loading muted" role="status">
          <span class="spinner" aria-hidden="true" /> Running the query…
        </p>
      );
    case 'error':
      return (
        <div class="explore-error" role="alert">
          <strong>The query failed</strong>
          <pre>
            <code>{outcome.message}</code>
          </pre>
        </div>
      );
    case 'done':
      return <Answered done={outcome} onZoom={onZoom} />;
  }
}
