// Live updates for a dashboard view: one connection, a subscription per visible time series or
// stat panel, and each message merged into that panel's data alone.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Panel } from '../api/types';
import type { PanelStore } from '../dashboard/panelStore';
import { panelCalc } from '../panels/reduce';
import { parseDuration } from '../time/duration';
import { LiveConnection, liveUrl, type ConnectionState } from './connection';
import { mergeLive } from './merge';

/** Panel types whose data live updates extend (the others refresh with the dashboard). */
export const LIVE_PANEL_TYPES = new Set(['timeseries', 'stat']);

export interface LiveOptions {
  enabled: boolean;
  uid: string;
  store: PanelStore;
  /** The panels on screen that follow live updates. */
  panels: Panel[];
  vars: Record<string, string[]>;
  /** The range's span ("1h") and the interval of updates ("5s"). */
  span: string;
  interval: string;
}

// A subscription's id names its panel and what it asks: "p3.1x2y3z".
function subscriptionId(panelId: number, tag: string): string {
  return `p${panelId}.${tag}`;
}

function panelOf(subscription: string | null): number {
  return Number(/^p(\d+)\./.exec(subscription ?? '')?.[1]);
}

export interface LiveStatus {
  state: ConnectionState | 'off';
  detail?: string;
}

export function useLive({ enabled, uid, store, panels, vars, span, interval }: LiveOptions): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>({ state: 'off' });
  const connection = useRef<LiveConnection | null>(null);
  const subscribed = useRef(new Map<number, string>());
  const panelsById = useRef(new Map<number, Panel>());
  panelsById.current = new Map(panels.map((panel) => [panel.id, panel]));
  const windowMs = parseDuration(span) ?? 3_600_000;

  useEffect(() => {
    if (!enabled) {
      setStatus({ state: 'off' });
      return undefined;
    }
    const live = new LiveConnection(liveUrl(window.location), {
      onData(message) {
        const panelId = panelOf(message.id);
        const panel = panelsById.current.get(panelId);
        if (!panel) return;
        const legendFormat = panel.targets?.find((target) => target.refId === message.ref)?.legendFormat;
        store.update(
          panelId,
          (data) => mergeLive(data, message, { legendFormat, windowMs, calc: panelCalc(panel.options) }),
          [message.end - windowMs, message.end],
        );
        store.setStatus({ computedAt: message.computed_at, error: null });
      },
      onError(id, ref, message) {
        const panelId = panelOf(id);
        if (!Number.isFinite(panelId)) return;
        store.update(panelId, (data) => ({
          ...data,
          state: 'error',
          errors: [...data.errors.filter((error) => error.refId !== ref), { refId: ref ?? '', message }],
        }));
      },
      onState(state, detail) {
        setStatus({ state, detail });
      },
    });
    connection.current = live;
    subscribed.current = new Map();
    return () => {
      live.close();
      connection.current = null;
    };
  }, [enabled, store, windowMs]);

  const question = JSON.stringify([uid, vars, span, interval]);
  const panelKey = panels.map((panel) => panel.id).join(',');
  useEffect(() => {
    const live = connection.current;
    if (!live) return;
    // Ids carry what they ask: a message still coming for a previous question is ignored.
    const tag = questionHash(question);
    const wanted = new Set(panels.map((panel) => panel.id));
    for (const [panelId, id] of subscribed.current) {
      if (!wanted.has(panelId) || !id.endsWith(`.${tag}`)) {
        live.unsubscribe(id);
        subscribed.current.delete(panelId);
      }
    }
    for (const panel of panels) {
      if (subscribed.current.has(panel.id)) continue;
      const id = subscriptionId(panel.id, tag);
      live.subscribe({ type: 'subscribe', id, dashboard: uid, panel: panel.id, vars, interval, range: span });
      subscribed.current.set(panel.id, id);
    }
    // panelKey and question stand for panels, uid, vars, span and interval.
  }, [panelKey, question, enabled]);

  return status;
}

/** A short, stable tag of what a subscription asks (ids are limited to 128 characters). */
function questionHash(text: string): string {
  let hash = 5381;
  for (let i = 0; i < text.length; i += 1) hash = ((hash * 33) ^ text.charCodeAt(i)) >>> 0;
  return hash.toString(36);
}
