// The editor's questions before it loses something: a panel, the changes, the page.

import type { DashboardDocument, PanelDocument } from '../api/documentTypes';
import { isRow, rowMembers } from './dashboardEdits';
import { ConfirmDialog } from './Dialog';
import { displayTitle } from './GridItemActions';

interface Answers {
  onConfirm(): void;
  onCancel(): void;
}

export function RemoveConfirm({
  panel,
  dashboard,
  ...answers
}: Answers & { panel: PanelDocument; dashboard: DashboardDocument }) {
  let consequence = 'The panel and its queries leave the dashboard when you save it.';
  if (isRow(panel)) {
    consequence = panel.collapsed
      ? `The ${panel.panels?.length ?? 0} panels folded into the row are removed with it.`
      : `Its ${rowMembers(dashboard, panel.id).length} panels stay on the dashboard.`;
  }
  return (
    <ConfirmDialog title={`Remove ${displayTitle(panel)}?`} confirmLabel="Remove" destructive {...answers}>
      <p>{consequence}</p>
    </ConfirmDialog>
  );
}

export function DiscardConfirm({ version, ...answers }: Answers & { version: number | undefined }) {
  return (
    <ConfirmDialog title="Discard your changes?" confirmLabel="Discard changes" destructive {...answers}>
      <p>The dashboard goes back to version {version} as it was saved.</p>
    </ConfirmDialog>
  );
}

export function LeaveConfirm(answers: Answers) {
  return (
    <ConfirmDialog
      title="Leave without saving?"
      confirmLabel="Discard changes and leave"
      cancelLabel="Keep editing"
      destructive
      {...answers}
    >
      <p>This dashboard has changes that are not saved. Leaving discards them.</p>
    </ConfirmDialog>
  );
}
