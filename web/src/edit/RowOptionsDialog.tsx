import { useState } from 'preact/hooks';
import type { PanelDocument } from '../api/documentTypes';
import { FormDialog } from './Dialog';
import { TextField } from './fields';

interface Props {
  row: PanelDocument;
  onApply(row: PanelDocument): void;
  onClose(): void;
}

/** A row's title, as Grafana's row options edit it. */
export function RowOptionsDialog({ row, onApply, onClose }: Props) {
  const [title, setTitle] = useState(row.title ?? '');
  return (
    <FormDialog
      title="Row options"
      size="small"
      submitLabel="Update"
      onSubmit={() => onApply({ ...row, title })}
      onClose={onClose}
    >
      <TextField label="Title" prose autoFocus value={title} onChange={setTitle} />
    </FormDialog>
  );
}
