import type { PanelDocument } from '../../api/documentTypes';
import { TextField } from '../fields';
import { addTarget, setText, textOf } from '../panelEdits';
import { TargetEditor } from './TargetEditor';

interface Props {
  panel: PanelDocument;
  onChange(panel: PanelDocument): void;
  onRun(): void;
  /** The query that was just added, to put the cursor in it. */
  focusRefId: string | null;
  onAdded(refId: string): void;
}

/** A panel's queries, or the markdown of a text panel, which has none. */
export function QueriesEditor({ panel, onChange, onRun, focusRefId, onAdded }: Props) {
  if (panel.type === 'text') {
    return (
      <section class="queries" aria-labelledby="content-heading">
        <h3 id="content-heading">Content</h3>
        <TextField
          label="Markdown"
          multiline
          prose
          value={textOf(panel)}
          hint="Headings, lists, links, **bold**, *italic* and `code`."
          onChange={(content) => onChange(setText(panel, content))}
        />
      </section>
    );
  }
  const targets = panel.targets ?? [];
  return (
    <section class="queries" aria-labelledby="queries-heading">
      <div class="section-heading">
        <h3 id="queries-heading">Queries</h3>
        <button type="button" class="control" onClick={onRun}>
          Run queries
        </button>
      </div>
      {!targets.length && <p class="muted">No queries: the panel has nothing to show.</p>}
      {targets.map((target) => (
        <TargetEditor
          key={target.refId}
          panel={panel}
          target={target}
          onChange={onChange}
          onRun={onRun}
          autoFocus={target.refId === focusRefId}
        />
      ))}
      <button
        type="button"
        class="control"
        onClick={() => {
          const added = addTarget(panel);
          onChange(added);
          onAdded(added.targets?.[added.targets.length - 1]?.refId ?? '');
        }}
      >
        Add query
      </button>
    </section>
  );
}
