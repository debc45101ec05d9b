// Edit mode lives in the dashboard's URL (/d/<uid>?edit, as Grafana's ?editview does): a reload
// stays in it, and a link can open a dashboard ready to edit. Part of the first load: small.

const EDIT = 'edit';

export function isEditing(search: string): boolean {
  return new URLSearchParams(search).has(EDIT);
}

/** `search` (with or without its "?") with the edit flag set or removed; "" when empty. */
export function withEditFlag(search: string, editing: boolean): string {
  const params = new URLSearchParams(search);
  params.delete(EDIT);
  const rest = params.toString();
  // Written as a bare flag, "?edit", rather than URLSearchParams' "edit=".
  const parts = [rest, editing ? EDIT : ''].filter(Boolean);
  return parts.length ? `?${parts.join('&')}` : '';
}
