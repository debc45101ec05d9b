import type { DashboardAnswer } from '../api/types';
import { readSetting, writeSetting } from '../app/storage';

/** What the home page lists of a dashboard the viewer opened. */
export interface RecentDashboard {
  uid: string;
  title: string;
  folder: string;
  tags: string[];
  url: string;
}

const KEPT = 8;

export function recentDashboards(): RecentDashboard[] {
  try {
    const stored: unknown = JSON.parse(readSetting('recent') ?? '[]');
    return Array.isArray(stored) ? (stored as RecentDashboard[]).filter((item) => item && item.uid) : [];
  } catch {
    return []; // an unreadable list is forgotten, not an error
  }
}

/** `visited` first, then the others newest first, without repeats, at most KEPT. */
export function withVisit(recent: RecentDashboard[], visited: RecentDashboard): RecentDashboard[] {
  return [visited, ...recent.filter((item) => item.uid !== visited.uid)].slice(0, KEPT);
}

export function rememberVisit(answer: DashboardAnswer): void {
  const { dashboard, meta } = answer;
  const visited = {
    uid: dashboard.uid,
    title: dashboard.title,
    folder: meta.folder,
    tags: dashboard.tags ?? [],
    url: meta.url,
  };
  writeSetting('recent', JSON.stringify(withVisit(recentDashboards(), visited)));
}
