import { useState } from 'preact/hooks';
import { DocumentError, importGrafanaDashboard, type Problem } from '../api/dashboardEdits';
import { navigate } from '../app/router';
import { CheckField, TextField } from './fields';
import { FormDialog } from './Dialog';
import type { DialogProps } from './lazy';
import { ProblemList } from './save/ProblemList';

// The server's own limit (docs/dashboards.md): a larger file is refused before it is sent.
const MAX_BYTES = 10 * 1024 * 1024;

interface Failure {
  status: number;
  message: string;
  problems: Problem[];
}

/** Import a Grafana dashboard JSON, pasted or read from a file; the server says what is wrong. */
export default function ImportDashboardDialog({ onClose }: DialogProps) {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [folder, setFolder] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  const readFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setFailure(null);
    if (file.size > MAX_BYTES) {
      setFailure({
        status: 413,
        message: `${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; at most 10 MiB can be imported.`,
        problems: [],
      });
      return;
    }
    setFileName(file.name);
    setText(await file.text());
  };

  const submit = async (): Promise<void> => {
    if (!text.trim()) {
      setFailure({ status: 0, message: 'Paste a dashboard JSON or choose a file first.', problems: [] });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const created = await importGrafanaDashboard(text, { overwrite, folder: folder.trim() || undefined });
      onClose();
      navigate(created.url);
    } catch (reason) {
      setBusy(false);
      const problems = reason instanceof DocumentError ? reason.problems : [];
      const status = reason instanceof DocumentError ? reason.status : 0;
      setFailure({ status, message: reason instanceof Error ? reason.message : String(reason), problems });
    }
  };

  const outcome = failure && (
    <div role="alert" class="import-error">
      <p class="form-error">
        {failure.status === 413
          ? 'The file is too large. '
          : failure.status === 422
            ? 'This is not a dashboard Pulseboard can import. '
            : failure.status === 409
              ? 'A dashboard with this uid exists. '
              : ''}
        {failure.message}
      </p>
      {failure.problems.length > 0 && <ProblemList problems={failure.problems} />}
    </div>
  );

  return (
    <FormDialog
      title="Import dashboard"
      submitLabel="Import"
      busyLabel="Importing…"
      busy={busy}
      onSubmit={() => void submit()}
      onClose={onClose}
      outcome={outcome}
    >
      <p class="muted">
        A dashboard exported from Grafana (schema version 16 or later), or as Grafana's API returns it.
      </p>
      <div class="field">
        <label for="import-file">Upload a JSON file</label>
        <input
          id="import-file"
          type="file"
          accept=".json,application/json"
          onChange={(event) => void readFile(event.currentTarget.files?.[0])}
        />
        {fileName && <p class="hint">Read {fileName}; its JSON is below.</p>}
      </div>
      <TextField
        label="Or paste the dashboard JSON"
        multiline
        value={text}
        onChange={setText}
        placeholder='{"title": "…", "panels": […]}'
      />
      <TextField
        label="Folder"
        prose
        value={folder}
        onChange={setFolder}
        hint="Optional: the folder to file it in."
      />
      <CheckField
        label="Replace a dashboard with the same uid"
        checked={overwrite}
        onChange={setOverwrite}
        hint="Without this, importing a uid that exists is refused."
      />
    </FormDialog>
  );
}
