import { useCallback, useMemo, useState } from 'preact/hooks';
import type { DashboardDocument } from '../api/documentTypes';
import type { DashboardAnswer } from '../api/types';
import { compacted } from './dashboardEdits';
import { sameDocument } from './dirty';

export interface Draft {
  /** The document as edited so far. */
  draft: DashboardDocument;
  /** The saved document, as the edit grid lays it out: what "no changes" means. */
  saved: DashboardDocument;
  dirty: boolean;
  change(edit: (draft: DashboardDocument) => DashboardDocument): void;
  discard(): void;
}

/** The working copy of a loaded dashboard; its `version` is the one it is edited from. */
export function useDraft(answer: DashboardAnswer): Draft {
  const saved = useMemo(
    () => compacted({ ...(answer.dashboard as DashboardDocument), version: answer.meta.version }),
    [answer],
  );
  const [draft, setDraft] = useState(saved);
  const dirty = useMemo(() => !sameDocument(saved, draft), [saved, draft]);
  const change = useCallback((edit: (draft: DashboardDocument) => DashboardDocument) => setDraft(edit), []);
  const discard = useCallback(() => setDraft(saved), [saved]);
  return { draft, saved, dirty, change, discard };
}
