import { useRef, useState } from 'preact/hooks';
import type { PanelData } from '../api/types';
import { useThemeName } from '../app/theme';
import { useElementSize } from '../app/useElementSize';
import { PointsTable, SummaryTable } from '../panels/DataTable';
import { describeSeries } from '../panels/describe';
import { CANVAS_TYPES, CHART_TYPES, STATIC_TYPES, TIME_TYPES, rendererFor } from '../panels/registry';
import { StatusIcon } from '../panels/StatusBadge';
import type { PlacedPanel } from './layout';
import { usePanelData, type PanelStore } from './panelStore';
import { PanelMenu } from './PanelMenu';

interface Props {
  placed: PlacedPanel;
  store: PanelStore;
  syncKey: string;
  onZoom(fromMs: number, toMs: number): void;
  /** Shown alone, filling the view (?viewPanel). */
  alone?: boolean;
}

const EMPTY: PanelData = {
  id: 0,
  type: '',
  state: 'ok',
  errors: [],
  warnings: [],
  stepMs: null,
  fieldConfig: {},
  frames: [],
};

const NO_RANGE: [number, number] = [0, 1];

function Skeleton() {
  return (
    <div class="skeleton" aria-hidden="true">
      <span />
      <span />
      <span />
    </div>
  );
}

function PanelError({ data }: { data: PanelData }) {
  return (
    <div class="panel-error" role="alert">
      <StatusIcon status="critical" />
      <div>
        {data.errors.map((error) => (
          <p key={error.refId}>
            {data.errors.length > 1 ? <strong>{error.refId}: </strong> : null}
            {error.message}
          </p>
        ))}
      </div>
    </div>
  );
}

/** A panel's chrome (title, state, data-table toggle, menu) around the renderer of its type. */
export function PanelFrame({ placed, store, syncKey, onZoom, alone = false }: Props) {
  const { panel } = placed;
  const entry = usePanelData(store, panel.id);
  const data =
    entry?.data ?? (STATIC_TYPES.has(panel.type) ? { ...EMPTY, id: panel.id, type: panel.type } : undefined);
  const range = entry?.range ?? NO_RANGE;
  const theme = useThemeName();
  const [bodyRef, size] = useElementSize<HTMLDivElement>();
  const [showTable, setShowTable] = useState(false);
  const [canvasDrawn, setCanvasDrawn] = useState(false);
  const frameRef = useRef<HTMLElement>(null);
  const titleId = `panel-${panel.id}-title`;
  const summaryId = `panel-${panel.id}-summary`;
  const kind = CHART_TYPES[panel.type];
  const hasFrames = Boolean(data?.frames.length);
  const measured = size.width > 0 && size.height > 0;

  let body;
  // "ready" only once drawn: a renderer waits for the panel's size, measured after layout.
  let drawn = true;
  if (!data) body = <Skeleton />;
  else if (data.state === 'error' && !hasFrames) body = <PanelError data={data} />;
  else if (data.state === 'nodata') body = <p class="no-data">{data.fieldConfig.noValue ?? 'No data'}</p>;
  else if (showTable && kind)
    body = (
      <div class="table-scroll" tabIndex={0}>
        {TIME_TYPES.has(panel.type) ? (
          <PointsTable
            frames={data.frames}
            defaults={data.fieldConfig}
            caption={`${panel.title ?? ''} data`}
          />
        ) : (
          <SummaryTable
            frames={data.frames}
            defaults={data.fieldConfig}
            caption={`${panel.title ?? ''} data`}
          />
        )}
      </div>
    );
  else if (!measured) drawn = false;
  else {
    const Renderer = rendererFor(panel.type);
    drawn = !CANVAS_TYPES.has(panel.type) || canvasDrawn;
    body = (
      <Renderer
        panel={panel}
        data={data}
        width={size.width}
        height={size.height}
        theme={theme}
        range={range}
        syncKey={syncKey}
        onZoom={onZoom}
        describedBy={summaryId}
        onDrawn={() => setCanvasDrawn(true)}
      />
    );
  }

  const state = !data || !drawn ? 'loading' : data.state === 'error' ? 'error' : 'ready';

  return (
    <section
      ref={frameRef}
      class={`panel panel-${panel.type}`}
      data-panel-id={panel.id}
      data-state={state}
      aria-labelledby={titleId}
      aria-busy={state === 'loading'}
      style={{ '--x': placed.x, '--y': placed.y, '--w': placed.w, '--h': placed.h }}
    >
      <header class="panel-header">
        <h3 id={titleId} title={panel.title}>
          {panel.title || <span class="muted">Untitled panel</span>}
        </h3>
        {panel.description && (
          <span class="panel-info" title={panel.description} aria-hidden="true">
            i
          </span>
        )}
        {data?.state === 'error' && hasFrames && (
          <span class="panel-warning" title={data.errors.map((error) => error.message).join('\n')}>
            <StatusIcon status="critical" />
            <span class="sr-only">
              Some queries failed: {data.errors.map((error) => error.message).join('; ')}
            </span>
          </span>
        )}
        <span class="panel-actions">
          {kind && hasFrames && (
            <button
              type="button"
              class="icon-button panel-table-toggle"
              aria-pressed={showTable}
              onClick={() => setShowTable((shown) => !shown)}
              title={showTable ? 'Show chart' : 'Show data table'}
            >
              <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
                <path
                  fill="currentColor"
                  d="M1 2h14v12H1V2Zm1.5 1.5v2.5h11V3.5h-11Zm0 4v2.5h5v-2.5h-5Zm6.5 0v2.5h4.5v-2.5H9Zm-6.5 4v1h5v-1h-5Zm6.5 0v1h4.5v-1H9Z"
                />
              </svg>
              <span class="sr-only">
                {showTable
                  ? `Show ${panel.title ?? 'panel'} as chart`
                  : `Show ${panel.title ?? 'panel'} as data table`}
              </span>
            </button>
          )}
          <PanelMenu
            panel={panel}
            data={data}
            range={range}
            store={store}
            frame={frameRef}
            alone={alone}
            table={{
              offered: Boolean(kind),
              shown: showTable,
              toggle: () => setShowTable((shown) => !shown),
            }}
          />
        </span>
      </header>
      <div class="panel-body" ref={bodyRef}>
        {body}
      </div>
      <div id={summaryId} class="sr-only">
        {panel.description && <p>{panel.description}</p>}
        {kind && data && <p>{describeSeries(kind, data.frames, data.fieldConfig)}</p>}
        {kind && data && hasFrames && !showTable && (
          <SummaryTable
            frames={data.frames}
            defaults={data.fieldConfig}
            caption={`${panel.title ?? ''} values`}
          />
        )}
      </div>
    </section>
  );
}
