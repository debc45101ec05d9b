import type { DashboardDocument } from '../api/documentTypes';
import { MenuButton } from '../app/MenuButton';
import { useDashboardStatus, type PanelStore } from '../dashboard/panelStore';
import type { ViewState } from '../dashboard/urlState';
import type { TimeRange } from '../time/timeRange';
import { TimeRangePicker } from '../toolbar/TimeRangePicker';
import { VariableBar } from '../toolbar/VariableBar';

interface Props {
  draft: DashboardDocument;
  dirty: boolean;
  store: PanelStore;
  view: ViewState;
  onRange(range: TimeRange): void;
  onVariable(name: string, values: string[]): void;
  onAddPanel(): void;
  onAddRow(): void;
  onSettings(): void;
  onDiscard(): void;
  onSave(): void;
  onExit(): void;
}

/** Edit mode's toolbar: what to add, settings, save or discard, and leaving edit mode. */
export function EditToolbar(props: Props) {
  const { draft, dirty, store, view } = props;
  const status = useDashboardStatus(store);
  return (
    <div class="dashboard-toolbar edit-toolbar">
      <div class="toolbar-row">
        <div class="dashboard-title">
          <span class="edit-badge">Editing</span>
          <h1>{draft.title || 'Untitled dashboard'}</h1>
          {dirty && (
            <span class="unsaved" title="Changes not saved yet">
              <span aria-hidden="true">●</span> Unsaved changes
            </span>
          )}
        </div>
        <div class="toolbar-controls">
          <TimeRangePicker range={view.range} onChange={props.onRange} />
          <MenuButton
            class="control"
            label="Add"
            items={[
              { label: 'Visualization', onSelect: props.onAddPanel },
              { label: 'Row', onSelect: props.onAddRow },
            ]}
          >
            <span aria-hidden="true">+</span> Add
          </MenuButton>
          <button type="button" class="control" onClick={props.onSettings}>
            Settings
          </button>
          <button type="button" class="control" onClick={props.onDiscard} disabled={!dirty}>
            Discard
          </button>
          <button type="button" class="primary" onClick={props.onSave} disabled={!dirty}>
            Save dashboard
          </button>
          <button type="button" class="control" onClick={props.onExit}>
            Exit edit
          </button>
        </div>
      </div>
      <VariableBar
        variables={draft.variables}
        answers={status.variables}
        chosen={view.vars}
        onChange={props.onVariable}
      />
      <div role="status" class="toolbar-status">
        {status.error && <p class="banner-error">The preview could not be loaded: {status.error}</p>}
      </div>
    </div>
  );
}
