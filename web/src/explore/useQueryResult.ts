import { useEffect, useState } from 'preact/hooks';
import { queryInstant, queryRange } from '../api/client';
import type { PromQueryAnswer } from '../api/types';
import { resolveRange } from '../time/timeRange';
import type { ExploreState, QueryMode } from './exploreUrl';
import { rangeStepMs } from './rangeStep';

export interface QueryAnswered {
  status: 'done';
  mode: QueryMode;
  answer: PromQueryAnswer;
  /** The range the query covered (range mode) or ended at (instant mode), in ms. */
  range: [number, number];
  stepMs: number | null;
  tookMs: number;
}

export type QueryOutcome =
  { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | QueryAnswered;

/**
 * Runs the submitted query whenever it, its range or mode changes, or `runId` asks again (a
 * relative range such as now-1h means new data on every run). The previous request is
 * cancelled. `widthPx` is the graph's width, which sets the range query's resolution.
 */
export function useQueryResult(state: ExploreState, runId: number, widthPx: () => number): QueryOutcome {
  const [outcome, setOutcome] = useState<QueryOutcome>({ status: 'idle' });
  const { expr, mode } = state;
  const { from, to } = state.range;

  useEffect(() => {
    if (!expr.trim()) {
      setOutcome({ status: 'idle' });
      return undefined;
    }
    const controller = new AbortController();
    const started = performance.now();
    const [startMs, endMs] = resolveRange({ from, to }, Date.now());
    const stepMs = mode === 'range' ? rangeStepMs(endMs - startMs, widthPx()) : null;
    setOutcome({ status: 'loading' });
    const asked =
      stepMs === null
        ? queryInstant(expr, endMs, controller.signal)
        : queryRange(expr, { startMs, endMs, stepMs }, controller.signal);
    asked
      .then((answer) =>
        setOutcome({
          status: 'done',
          mode,
          answer,
          range: [startMs, endMs],
          stepMs,
          tookMs: performance.now() - started,
        }),
      )
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setOutcome({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [expr, mode, from, to, runId]);

  return outcome;
}
