// Saving, creating, importing and the version history of dashboards (docs/dashboards.md), and
// the panel data of a document not saved yet. Errors keep the server's `problems`, which name
// each invalid field of a document by its path.

import { ApiError } from './client';
import type { DashboardDocument } from './documentTypes';
import type { CreatedDashboard, DataAnswer, DataRequest } from './types';

export interface Problem {
  /** Where in the document: "panels[3].gridPos.w"; "" for the whole document. */
  path: string;
  message: string;
}

/** An error answer about a document: its status, the server's message and its problems. */
export class DocumentError extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly problems: Problem[],
  ) {
    super(status, message);
    this.name = 'DocumentError';
  }
}

export interface VersionSummary {
  version: number;
  created: string;
  author: string;
  message: string;
}

export interface VersionChange {
  /** panels[id=2].gridPos.w, title, ... */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  old?: unknown;
  new?: unknown;
}

function problemsOf(envelope: unknown): Problem[] {
  const problems = (envelope as { problems?: unknown } | null)?.problems;
  if (!Array.isArray(problems)) return [];
  return problems.filter(
    (problem): problem is Problem =>
      typeof problem?.path === 'string' && typeof problem?.message === 'string',
  );
}

/** `body` is sent as it is when it is text already (a pasted file goes to the server unparsed). */
async function send<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    method,
    signal,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
  });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (answer as { error?: unknown } | null)?.error;
    const message = typeof error === 'string' ? error : `${response.status} ${response.statusText}`.trim();
    throw new DocumentError(response.status, message, problemsOf(answer));
  }
  return answer as T;
}

const dashboardPath = (uid: string): string => `/api/dashboards/${encodeURIComponent(uid)}`;

/** A new version; `dashboard.version` is the one it was edited from (409 when a newer one is
 * saved, unless `overwrite`). */
export function saveDashboard(
  dashboard: DashboardDocument,
  message: string,
  overwrite = false,
): Promise<CreatedDashboard> {
  const query = overwrite ? '?overwrite=true' : '';
  return send('PUT', `${dashboardPath(dashboard.uid)}${query}`, { dashboard, message });
}

export function saveNewDashboard(dashboard: DashboardDocument, message = ''): Promise<CreatedDashboard> {
  return send('POST', '/api/dashboards', { dashboard, message });
}

/** A Grafana dashboard JSON, as the file holds it (the server says what is wrong with it). */
export function importGrafanaDashboard(
  text: string,
  options: { overwrite?: boolean; folder?: string } = {},
): Promise<CreatedDashboard> {
  const params = new URLSearchParams();
  if (options.overwrite) params.set('overwrite', 'true');
  if (options.folder) params.set('folder', options.folder);
  const query = params.size ? `?${params}` : '';
  return send('POST', `/api/dashboards/import${query}`, text);
}

export function listVersions(uid: string, signal?: AbortSignal): Promise<VersionSummary[]> {
  return send('GET', `${dashboardPath(uid)}/versions`, undefined, signal);
}

export function versionChanges(
  uid: string,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<VersionChange[]> {
  return send('GET', `${dashboardPath(uid)}/diff?from=${from}&to=${to}`, undefined, signal);
}

export function restoreVersion(uid: string, version: number): Promise<CreatedDashboard> {
  return send('POST', `${dashboardPath(uid)}/versions/${version}/restore`);
}

/** The panels' data of a document as it is being edited, evaluated without saving it. */
export function unsavedPanelData(
  dashboard: DashboardDocument,
  request: DataRequest,
  signal?: AbortSignal,
): Promise<DataAnswer> {
  return send('POST', '/api/dashboards/data', { dashboard, ...request }, signal);
}
