import type {
  DashboardAnswer,
  DashboardSummary,
  DataAnswer,
  DataRequest,
  HomeAnswer,
  PromQueryAnswer,
} from './types';

/** An error answer of the server, with the message of its envelope ({"error": ...}). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}) },
  });
  if (!response.ok) {
    throw new ApiError(response.status, await errorText(response));
  }
  return (await response.json()) as T;
}

async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not the JSON envelope: fall through to the status line
  }
  return `${response.status} ${response.statusText}`.trim();
}

export function listDashboards(
  options: { query?: string; starred?: boolean } = {},
  signal?: AbortSignal,
): Promise<DashboardSummary[]> {
  const params = new URLSearchParams();
  if (options.query) params.set('query', options.query);
  if (options.starred) params.set('starred', 'true');
  const suffix = params.size ? `?${params}` : '';
  return request(`/api/dashboards${suffix}`, { signal });
}

export function homeDashboard(persona: string, signal?: AbortSignal): Promise<HomeAnswer> {
  return request(`/api/dashboards/home?persona=${encodeURIComponent(persona)}`, { signal });
}

export function getDashboard(uid: string, signal?: AbortSignal): Promise<DashboardAnswer> {
  return request(`/api/dashboards/${encodeURIComponent(uid)}`, { signal });
}

export function panelData(uid: string, body: DataRequest, signal?: AbortSignal): Promise<DataAnswer> {
  return request(`/api/dashboards/${encodeURIComponent(uid)}/data`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal,
  });
}

export function setStarred(uid: string, starred: boolean): Promise<unknown> {
  return request(`/api/dashboards/${encodeURIComponent(uid)}/star`, {
    method: starred ? 'POST' : 'DELETE',
  });
}

/** An instant PromQL query at `timeMs` (Prometheus' /api/v1/query). */
export function queryInstant(expr: string, timeMs: number, signal?: AbortSignal): Promise<PromQueryAnswer> {
  const params = new URLSearchParams({ query: expr, time: String(timeMs / 1000) });
  return request(`/api/v1/query?${params}`, { signal });
}

/** A PromQL range query (Prometheus' /api/v1/query_range); `stepMs` is the resolution. */
export function queryRange(
  expr: string,
  range: { startMs: number; endMs: number; stepMs: number },
  signal?: AbortSignal,
): Promise<PromQueryAnswer> {
  const params = new URLSearchParams({
    query: expr,
    start: String(range.startMs / 1000),
    end: String(range.endMs / 1000),
    step: `${range.stepMs / 1000}s`,
  });
  return request(`/api/v1/query_range?${params}`, { signal });
}
