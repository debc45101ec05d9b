import { useMemo, useRef } from 'preact/hooks';
import type { DashboardDocument, PanelDocument } from '../api/documentTypes';
import { PanelFrame } from '../dashboard/PanelFrame';
import type { PanelStore } from '../dashboard/panelStore';
import { isRow, layoutOf } from './dashboardEdits';
import type { Box } from './gridLayout';
import { GridItemActions, displayTitle, type GridAction } from './GridItemActions';
import { useGridstack } from './useGridstack';

interface Props {
  dashboard: DashboardDocument;
  store: PanelStore;
  syncKey: string;
  onLayout(boxes: Box[]): void;
  onAction(panel: PanelDocument, action: GridAction): void;
  onZoom(fromMs: number, toMs: number): void;
}

function RowBar({ row }: { row: PanelDocument }) {
  const count = row.panels?.length ?? 0;
  return (
    <div class="edit-row-bar">
      <h2>{displayTitle(row)}</h2>
      {row.collapsed && (
        <span class="muted">
          collapsed, {count} panel{count === 1 ? '' : 's'}
        </span>
      )}
    </div>
  );
}

/** The dashboard's panels and rows on gridstack's 24-column grid, each with its edit controls. */
export function EditGrid({ dashboard, store, syncKey, onLayout, onAction, onZoom }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const boxes = useMemo(() => layoutOf(dashboard), [dashboard]);
  const rows = useMemo(() => new Set(dashboard.panels.filter(isRow).map((panel) => panel.id)), [dashboard]);
  useGridstack(container, boxes, rows, onLayout);
  return (
    <div ref={container} class="grid-stack edit-grid">
      {dashboard.panels.map((panel) => (
        <div key={panel.id} class="grid-stack-item" data-box-id={panel.id}>
          <div class={`grid-stack-item-content ${isRow(panel) ? 'edit-row' : 'edit-panel'}`}>
            {isRow(panel) ? (
              <RowBar row={panel} />
            ) : (
              <PanelFrame
                placed={{ panel, ...panel.gridPos }}
                store={store}
                syncKey={syncKey}
                onZoom={onZoom}
              />
            )}
            <GridItemActions panel={panel} boxes={boxes} onAction={(action) => onAction(panel, action)} />
          </div>
        </div>
      ))}
    </div>
  );
}
