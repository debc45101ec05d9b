import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PanelDocument } from '../api/documentTypes';
import { announce } from '../app/announce';
import { navigate } from '../app/router';
import { PanelStore } from '../dashboard/panelStore';
import { zoomedRange } from '../time/timeRange';
import {
  addPanel,
  addRow,
  duplicatePanel,
  findPanel,
  isRow,
  layoutOf,
  removePanel,
  replacePanel,
  setRowCollapsed,
  withLayout,
} from './dashboardEdits';
import { DiscardConfirm, LeaveConfirm, RemoveConfirm } from './confirmations';
import { EditGrid } from './EditGrid';
import { isEditing, withEditFlag } from './editUrl';
import { EditToolbar } from './EditToolbar';
import type { Box } from './gridLayout';
import { displayTitle, type GridAction } from './GridItemActions';
import { PANEL_LIMITS, ROW_LIMITS, stepBox, type LayoutStep } from './keyboardLayout';
import { describePlace } from './layoutKeys';
import type { EditorProps } from './lazy';
import { PanelEditor } from './panel/PanelEditor';
import { RowOptionsDialog } from './RowOptionsDialog';
import { SaveDialog } from './save/SaveDialog';
import { DashboardSettings, type SettingsTab } from './settings/DashboardSettings';
import { useDraft } from './useDraft';
import { useEditorView } from './useEditorView';
import { useLeaveGuard } from './useLeaveGuard';
import { usePreviewData } from './usePreviewData';
import './edit.css';

type Screen =
  | { kind: 'grid' }
  /** `before` is the panel as the editor found it; null for a panel added just now. */
  | { kind: 'panel'; id: number; before: PanelDocument | null }
  | { kind: 'settings'; tab: SettingsTab };

type Question =
  | { kind: 'save' }
  | { kind: 'remove'; panel: PanelDocument }
  | { kind: 'rowOptions'; row: PanelDocument }
  | { kind: 'discard' }
  | { kind: 'leave'; leave: () => void };

/** A selector of the control that should have the focus once the grid is drawn again. */
function handleOf(id: number): string {
  return `[data-box-id="${id}"] .move-handle`;
}

/** The focused element, if a layout step is about to move it in the page. */
function focusedControl(): HTMLElement | null {
  const active = document.activeElement;
  return active instanceof HTMLElement && active.closest('[data-box-id]') ? active : null;
}

/** Edit mode: the dashboard's grid to arrange, its panels and settings to edit, and saving. */
export default function DashboardEditor({ answer, onSaved }: EditorProps) {
  const { draft, saved, dirty, change, discard } = useDraft(answer);
  const { view, setView } = useEditorView(saved);
  const store = useMemo(() => new PanelStore(), []);
  const gridArea = useRef<HTMLDivElement>(null);
  const [screen, setScreen] = useState<Screen>({ kind: 'grid' });
  const [question, setQuestion] = useState<Question | null>(null);
  // What to focus once the grid is drawn again: a new item's control, or the control that had
  // the focus when its item moved (moving a node in the document takes the focus from it).
  const focusNext = useRef<string | HTMLElement | null>(null);

  const widthPx = useCallback(
    () => Math.min(Math.max(gridArea.current?.clientWidth ?? window.innerWidth, 100), 20_000),
    [],
  );
  const run = usePreviewData({ dashboard: draft, store, view, widthPx });

  // Where this editor is (when the back button moved on, the address says where to already).
  const editorPath = useRef(window.location.pathname).current;
  useLeaveGuard({
    dirty,
    keepsEditor: (url) => url.pathname === editorPath && isEditing(url.search),
    onBlocked: (leave) => setQuestion({ kind: 'leave', leave }),
  });

  useEffect(() => {
    document.title = `Edit ${draft.title} · Pulseboard`;
  }, [draft.title]);

  useLayoutEffect(() => {
    const next = focusNext.current;
    if (!next) return;
    focusNext.current = null;
    const element = typeof next === 'string' ? document.querySelector<HTMLElement>(next) : next;
    if (element?.isConnected && document.activeElement !== element) element.focus();
  });

  const exit = (): void =>
    navigate(`${window.location.pathname}${withEditFlag(window.location.search, false)}`);
  const onZoom = useCallback(
    (from: number, to: number) => setView({ range: zoomedRange(from, to) }),
    [setView],
  );
  const onLayout = useCallback((boxes: Box[]) => change((current) => withLayout(current, boxes)), [change]);

  const step = (panel: PanelDocument, direction: LayoutStep): void => {
    const boxes = stepBox(layoutOf(draft), panel.id, direction, isRow(panel) ? ROW_LIMITS : PANEL_LIMITS);
    if (!boxes) return;
    change((current) => withLayout(current, boxes));
    const moved = boxes.find((box) => box.id === panel.id);
    if (moved) announce(describePlace(displayTitle(panel), moved));
    focusNext.current = focusedControl();
  };

  const onAction = (panel: PanelDocument, action: GridAction): void => {
    if (typeof action === 'object') step(panel, action.step);
    else if (action === 'edit') setScreen({ kind: 'panel', id: panel.id, before: panel });
    else if (action === 'remove') setQuestion({ kind: 'remove', panel });
    else if (action === 'rowOptions') setQuestion({ kind: 'rowOptions', row: panel });
    else if (action === 'toggleRow')
      change((current) => setRowCollapsed(current, panel.id, !panel.collapsed));
    else if (action === 'duplicate') {
      const copy = duplicatePanel(draft, panel.id);
      if (!copy) return;
      change(() => copy.dashboard);
      focusNext.current = handleOf(copy.id);
      announce(`${displayTitle(panel)} duplicated.`);
    }
  };

  const addVisualization = (): void => {
    const added = addPanel(draft);
    change(() => added.dashboard);
    setScreen({ kind: 'panel', id: added.id, before: null });
  };

  const addNewRow = (): void => {
    const added = addRow(draft);
    change(() => added.dashboard);
    focusNext.current = handleOf(added.id);
    announce('Row added at the bottom of the dashboard.');
  };

  const backToGrid = (id: number | null): void => {
    setScreen({ kind: 'grid' });
    if (id !== null) focusNext.current = `[data-box-id="${id}"] .grid-item-actions button[title^="Edit"]`;
  };

  const editedPanel = screen.kind === 'panel' ? findPanel(draft, screen.id) : undefined;

  let body;
  if (screen.kind === 'panel' && editedPanel) {
    const before = screen.before;
    body = (
      <PanelEditor
        panel={editedPanel}
        store={store}
        syncKey={`pulseboard-edit:${draft.uid}`}
        onChange={(panel) => change((current) => replacePanel(current, panel))}
        onRun={() => run(editedPanel.id)}
        onZoom={onZoom}
        onClose={() => backToGrid(editedPanel.id)}
        onDiscard={() => {
          change((current) =>
            before ? replacePanel(current, before) : removePanel(current, editedPanel.id),
          );
          backToGrid(before ? editedPanel.id : null);
        }}
      />
    );
  } else if (screen.kind === 'settings') {
    body = (
      <DashboardSettings
        dashboard={draft}
        tab={screen.tab}
        onTab={(tab) => setScreen({ kind: 'settings', tab })}
        onChange={(dashboard) => change(() => dashboard)}
        currentRange={view.range}
        dirty={dirty}
        onRestored={(version) => {
          announce(`Restored as version ${version}.`);
          onSaved();
        }}
        onClose={() => setScreen({ kind: 'grid' })}
      />
    );
  } else {
    body = (
      <div ref={gridArea} class="edit-grid-area">
        {!draft.panels.length && (
          <div class="empty-dashboard">
            <p>This dashboard has no panels yet.</p>
            <button type="button" class="primary" onClick={addVisualization}>
              Add visualization
            </button>
          </div>
        )}
        <EditGrid
          dashboard={draft}
          store={store}
          syncKey={`pulseboard-edit:${draft.uid}`}
          onLayout={onLayout}
          onAction={onAction}
          onZoom={onZoom}
        />
      </div>
    );
  }

  return (
    <div class="dashboard editing">
      <EditToolbar
        draft={draft}
        dirty={dirty}
        store={store}
        view={view}
        onRange={(range) => setView({ range })}
        onVariable={(name, values) => setView({ vars: { ...view.vars, [name]: values } })}
        onAddPanel={addVisualization}
        onAddRow={addNewRow}
        onSettings={() => setScreen({ kind: 'settings', tab: 'general' })}
        onDiscard={() => setQuestion({ kind: 'discard' })}
        onSave={() => setQuestion({ kind: 'save' })}
        onExit={() => (dirty ? setQuestion({ kind: 'leave', leave: exit }) : exit())}
      />
      {body}
      {question?.kind === 'save' && (
        <SaveDialog
          draft={draft}
          onSaved={(version) => {
            announce(`Saved as version ${version}.`);
            onSaved();
          }}
          onReload={onSaved}
          onClose={() => setQuestion(null)}
        />
      )}
      {question?.kind === 'remove' && (
        <RemoveConfirm
          panel={question.panel}
          dashboard={draft}
          onCancel={() => setQuestion(null)}
          onConfirm={() => {
            // The focus goes on to the item after the removed one, in reading order.
            const index = draft.panels.findIndex((panel) => panel.id === question.panel.id);
            const neighbour = draft.panels[index + 1] ?? draft.panels[index - 1];
            focusNext.current = neighbour ? handleOf(neighbour.id) : null;
            change((current) => removePanel(current, question.panel.id));
            setQuestion(null);
            announce(`${displayTitle(question.panel)} removed.`);
          }}
        />
      )}
      {question?.kind === 'rowOptions' && (
        <RowOptionsDialog
          row={question.row}
          onApply={(row) => {
            change((current) => replacePanel(current, row));
            setQuestion(null);
          }}
          onClose={() => setQuestion(null)}
        />
      )}
      {question?.kind === 'discard' && (
        <DiscardConfirm
          version={saved.version}
          onCancel={() => setQuestion(null)}
          onConfirm={() => {
            discard();
            setScreen({ kind: 'grid' });
            setQuestion(null);
            announce('Changes discarded.');
          }}
        />
      )}
      {question?.kind === 'leave' && (
        <LeaveConfirm
          onCancel={() => setQuestion(null)}
          onConfirm={() => {
            setQuestion(null);
            question.leave();
          }}
        />
      )}
    </div>
  );
}
