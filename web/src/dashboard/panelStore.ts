// The data of a dashboard's panels, held outside the component tree: an answer or a live
// message changes the panels it concerns, and only those panels draw again.

import { useEffect, useState } from 'preact/hooks';
import type { PanelData, VariableAnswer } from '../api/types';

export interface DashboardStatus {
  /** When the server computed the newest data shown (ms), or null before the first answer. */
  computedAt: number | null;
  refreshing: boolean;
  /** Why the last request failed; the panels keep what they showed. */
  error: string | null;
  variables: Record<string, VariableAnswer>;
}

type Listener = () => void;

/** A panel's data and the time range (ms) it covers, which charts use as their x axis. */
export interface PanelEntry {
  data: PanelData;
  range: [number, number];
}

export class PanelStore {
  private readonly data = new Map<number, PanelEntry>();
  private readonly listeners = new Map<number, Set<Listener>>();
  private readonly statusListeners = new Set<Listener>();
  private currentStatus: DashboardStatus = {
    computedAt: null,
    refreshing: false,
    error: null,
    variables: {},
  };

  get(id: number): PanelEntry | undefined {
    return this.data.get(id);
  }

  set(id: number, data: PanelData, range: [number, number]): void {
    this.data.set(id, { data, range });
    this.listeners.get(id)?.forEach((listener) => listener());
  }

  /** Apply a change to one panel's data, if it has data; `range` moves its window (live). */
  update(id: number, change: (value: PanelData) => PanelData, range?: [number, number]): void {
    const entry = this.data.get(id);
    if (entry) this.set(id, change(entry.data), range ?? entry.range);
  }

  subscribe(id: number, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  get status(): DashboardStatus {
    return this.currentStatus;
  }

  setStatus(change: Partial<DashboardStatus>): void {
    this.currentStatus = { ...this.currentStatus, ...change };
    this.statusListeners.forEach((listener) => listener());
  }

  subscribeStatus(listener: Listener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
}

export function usePanelData(store: PanelStore, id: number): PanelEntry | undefined {
  const [, redraw] = useState(0);
  useEffect(() => store.subscribe(id, () => redraw((n) => n + 1)), [store, id]);
  return store.get(id);
}

export function useDashboardStatus(store: PanelStore): DashboardStatus {
  const [, redraw] = useState(0);
  useEffect(() => store.subscribeStatus(() => redraw((n) => n + 1)), [store]);
  return store.status;
}
