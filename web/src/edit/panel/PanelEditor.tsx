import { useEffect, useRef, useState } from 'preact/hooks';
import type { PanelDocument } from '../../api/documentTypes';
import { PanelFrame } from '../../dashboard/PanelFrame';
import type { PanelStore } from '../../dashboard/panelStore';
import { displayTitle } from '../GridItemActions';
import { PanelOptions } from './PanelOptions';
import { QueriesEditor } from './QueriesEditor';
import './panelEditor.css';

interface Props {
  panel: PanelDocument;
  store: PanelStore;
  syncKey: string;
  onChange(panel: PanelDocument): void;
  onRun(): void;
  onZoom(fromMs: number, toMs: number): void;
  /** Back to the dashboard, keeping the changes (they are saved with the dashboard). */
  onClose(): void;
  /** Back to the dashboard, the panel as it was when the editor opened. */
  onDiscard(): void;
}

/**
 * Grafana's panel editor: the panel drawn with the changes not saved yet, its queries under it
 * and its options beside it. It takes the dashboard's place until it is closed.
 */
export function PanelEditor({ panel, store, syncKey, onChange, onRun, onZoom, onClose, onDiscard }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [addedRefId, setAddedRefId] = useState<string | null>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="panel-editor" aria-labelledby="panel-editor-heading">
      <header class="edit-screen-header">
        <h2 id="panel-editor-heading" ref={heading} tabIndex={-1}>
          Edit panel: {displayTitle(panel)}
        </h2>
        <div class="button-row">
          <button type="button" class="control" onClick={onDiscard}>
            Discard panel changes
          </button>
          <button type="button" class="primary" onClick={onClose}>
            Back to dashboard
          </button>
        </div>
      </header>
      <div class="panel-editor-body">
        <div class="panel-editor-main">
          <div class="panel-preview" aria-label="Preview" role="region">
            <PanelFrame
              placed={{ panel, x: 0, y: 0, w: 24, h: 10 }}
              store={store}
              syncKey={syncKey}
              onZoom={onZoom}
            />
          </div>
          <QueriesEditor
            panel={panel}
            onChange={onChange}
            onRun={onRun}
            focusRefId={addedRefId}
            onAdded={setAddedRefId}
          />
        </div>
        <aside class="panel-editor-options" aria-label="Panel options">
          <PanelOptions panel={panel} onChange={onChange} />
        </aside>
      </div>
    </section>
  );
}
