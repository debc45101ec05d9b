import { useMemo, useState } from 'preact/hooks';
import type { Frame, Panel, PanelData } from '../api/types';
import { useThemeName } from '../app/theme';
import { useElementSize } from '../app/useElementSize';
import { PointsTable } from '../panels/DataTable';
import { describeSeries } from '../panels/describe';
import { TimeSeriesPanel } from '../panels/timeseries/TimeSeriesPanel';

interface Props {
  frames: Frame[];
  stepMs: number;
  range: [number, number];
  /** The points as a table instead of the chart (the toggle is the caller's). */
  asTable: boolean;
  onZoom(fromMs: number, toMs: number): void;
}

// The dashboards' own time series renderer, given a panel that exists only here.
const RESULT_PANEL: Panel = {
  id: 1,
  type: 'timeseries',
  title: 'Query result',
  gridPos: { x: 0, y: 0, w: 24, h: 12 },
};
const SUMMARY_ID = 'explore-graph-summary';

/** A range query's answer as a chart, or as a table of its points for those who cannot see it. */
export function ResultGraph({ frames, stepMs, range, asTable, onZoom }: Props) {
  const theme = useThemeName();
  const [bodyRef, size] = useElementSize<HTMLDivElement>();
  const [drawn, setDrawn] = useState(false);
  const data: PanelData = useMemo(
    () => ({
      id: RESULT_PANEL.id,
      type: RESULT_PANEL.type,
      state: frames.length ? 'ok' : 'nodata',
      errors: [],
      warnings: [], // shown above the graph, by the caller
      stepMs,
      fieldConfig: {},
      frames,
    }),
    [frames, stepMs],
  );
  const measured = size.width > 0 && size.height > 0;

  return (
    <section class="explore-graph" aria-label="Graph" data-state={drawn || asTable ? 'ready' : 'loading'}>
      {/* Hidden rather than unmounted: its size observer keeps following the same element. */}
      <div class="explore-graph-body" ref={bodyRef} hidden={asTable}>
        {measured && (
          <TimeSeriesPanel
            panel={RESULT_PANEL}
            data={data}
            width={size.width}
            height={size.height}
            theme={theme}
            range={range}
            syncKey="pulseboard:explore"
            onZoom={onZoom}
            describedBy={SUMMARY_ID}
            onDrawn={() => setDrawn(true)}
          />
        )}
      </div>
      {asTable && (
        <div class="table-scroll explore-points" tabIndex={0}>
          <PointsTable frames={frames} defaults={data.fieldConfig} caption="Query result points" />
        </div>
      )}
      <p id={SUMMARY_ID} class="sr-only">
        {describeSeries('Time series', frames, data.fieldConfig)}
      </p>
    </section>
  );
}
