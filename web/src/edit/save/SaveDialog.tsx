import { useState } from 'preact/hooks';
import { DocumentError, saveDashboard, type Problem } from '../../api/dashboardEdits';
import type { DashboardDocument } from '../../api/documentTypes';
import { Dialog, FormDialog } from '../Dialog';
import { TextField } from '../fields';
import { ProblemList } from './ProblemList';

interface Props {
  draft: DashboardDocument;
  /** Saved as `version`: the editor starts over from it. */
  onSaved(version: number): void;
  /** Give up the changes for what is saved now (after a conflict). */
  onReload(): void;
  onClose(): void;
}

type Outcome =
  | { kind: 'editing' }
  | { kind: 'saving' }
  | { kind: 'conflict'; message: string }
  | { kind: 'invalid'; message: string; problems: Problem[] }
  | { kind: 'failed'; message: string };

/**
 * Save with a message, as the version history shows it. A version saved by someone else since
 * this one was loaded is a conflict: reload theirs, or overwrite it with these changes.
 */
export function SaveDialog({ draft, onSaved, onReload, onClose }: Props) {
  const [message, setMessage] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'editing' });

  const save = async (overwrite: boolean): Promise<void> => {
    setOutcome({ kind: 'saving' });
    try {
      const saved = await saveDashboard(draft, message.trim(), overwrite);
      onSaved(saved.version);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (error instanceof DocumentError && error.status === 409)
        setOutcome({ kind: 'conflict', message: text });
      else if (error instanceof DocumentError && error.status === 422)
        setOutcome({ kind: 'invalid', message: text, problems: error.problems });
      else setOutcome({ kind: 'failed', message: text });
    }
  };

  if (outcome.kind === 'conflict') {
    return (
      <Dialog
        title="Someone else saved this dashboard"
        onClose={onClose}
        alert
        footer={
          <>
            <button type="button" class="control" onClick={onClose} autoFocus>
              Cancel
            </button>
            <button type="button" class="control" onClick={onReload}>
              Reload, losing my changes
            </button>
            <button type="button" class="danger" onClick={() => void save(true)}>
              Overwrite their version
            </button>
          </>
        }
      >
        <p>
          A newer version was saved after you started editing version {draft.version}. Reload it to see their
          changes (yours are lost), or overwrite it with yours (theirs stay in the version history).
        </p>
        <p class="muted">{outcome.message}</p>
      </Dialog>
    );
  }

  return (
    <FormDialog
      title="Save dashboard"
      submitLabel="Save"
      busyLabel="Saving…"
      busy={outcome.kind === 'saving'}
      onSubmit={() => void save(false)}
      onClose={onClose}
      outcome={
        outcome.kind === 'invalid' ? (
          <div role="alert" class="save-problems">
            <p>The server did not save the dashboard: it is not valid.</p>
            <ProblemList problems={outcome.problems} dashboard={draft} />
          </div>
        ) : outcome.kind === 'failed' ? (
          <p role="alert" class="form-error">
            The dashboard was not saved: {outcome.message}
          </p>
        ) : null
      }
    >
      <TextField
        label="Message"
        prose
        multiline
        autoFocus
        value={message}
        hint="What changed, for the version history (optional)."
        onChange={setMessage}
      />
    </FormDialog>
  );
}
