import { request } from './client';

/** One scrape target as Prometheus' /api/v1/targets lists it. */
export interface ScrapeTarget {
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  scrapeInterval: string;
  labels: Record<string, string>;
}

export interface ProvisioningProvider {
  name: string;
  path: string;
  files: { file: string; uid: string | null; error: string | null }[];
}

export interface TemplateSummary {
  uid: string;
  title: string;
  description: string;
  tags: string[];
}

export interface BuildInfo {
  version: string;
  goVersion: string;
  application: string;
}

interface Envelope<T> {
  status: string;
  data: T;
}

export async function scrapeTargets(signal?: AbortSignal): Promise<ScrapeTarget[]> {
  const answer = await request<Envelope<{ activeTargets: ScrapeTarget[] }>>('/api/v1/targets', { signal });
  return answer.data.activeTargets;
}

export async function buildInfo(signal?: AbortSignal): Promise<BuildInfo> {
  return (await request<Envelope<BuildInfo>>('/api/v1/status/buildinfo', { signal })).data;
}

export function provisioningStatus(signal?: AbortSignal): Promise<ProvisioningProvider[]> {
  return request('/api/dashboards/provisioning', { signal });
}

export function templates(signal?: AbortSignal): Promise<TemplateSummary[]> {
  return request('/api/dashboards/templates', { signal });
}

/** Saves the template as shipped as the dashboard's newest version (or creates it again). */
export function recreateTemplate(uid: string): Promise<unknown> {
  return request(`/api/dashboards/templates/${encodeURIComponent(uid)}/recreate`, { method: 'POST' });
}
