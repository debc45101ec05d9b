import { useState } from 'preact/hooks';
import { saveNewDashboard } from '../api/dashboardEdits';
import { navigate } from '../app/router';
import { FormDialog } from './Dialog';
import { TextField } from './fields';
import type { DialogProps } from './lazy';
import { newUid } from './newUid';
import { parseTags } from './tags';

/** A new, empty dashboard: named here, saved at once, then opened in edit mode to fill it. */
export default function NewDashboardDialog({ onClose }: DialogProps) {
  const [title, setTitle] = useState('');
  const [folder, setFolder] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (): Promise<void> => {
    if (!title.trim()) {
      setError('A dashboard needs a title.');
      return;
    }
    setBusy(true);
    try {
      const created = await saveNewDashboard(
        {
          uid: newUid(),
          title: title.trim(),
          folder: folder.trim(),
          tags: parseTags(tags),
          time: { from: 'now-6h', to: 'now' },
          panels: [],
        },
        'created',
      );
      onClose();
      navigate(`${created.url}?edit`);
    } catch (reason) {
      setBusy(false);
      setError(reason instanceof Error ? reason.message : String(reason));
    }
  };

  return (
    <FormDialog
      title="New dashboard"
      size="small"
      submitLabel="Create and edit"
      busyLabel="Creating…"
      busy={busy}
      onSubmit={() => void create()}
      onClose={onClose}
    >
      <TextField label="Title" prose required autoFocus value={title} onChange={setTitle} error={error} />
      <TextField
        label="Folder"
        prose
        value={folder}
        onChange={setFolder}
        hint="Optional: dashboards of one folder are listed together."
      />
      <TextField label="Tags" value={tags} onChange={setTags} hint="Optional, separated by commas." />
    </FormDialog>
  );
}
