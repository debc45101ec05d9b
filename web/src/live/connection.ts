// One WebSocket to /api/live for a dashboard view, kept open across server restarts and network
// drops: it reconnects with backoff and subscribes again from the last `end` it got, so no
// point is missed or received twice.

import { reconnectDelay, shouldReconnect } from './backoff';
import type { LiveData, PanelSubscription, ServerMessage } from './messages';
import { parseFrame } from './messages';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

export interface ConnectionHandlers {
  onData(message: LiveData): void;
  onError(id: string | null, ref: string | null, message: string): void;
  onState(state: ConnectionState, detail?: string): void;
}

export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/live`;
}

export class LiveConnection {
  private socket: WebSocket | null = null;
  private readonly subscriptions = new Map<string, PanelSubscription>();
  /** Per subscription and query, the `end` of the last data message: where to resume. */
  private readonly ends = new Map<string, Record<string, number>>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.open();
  }

  subscribe(subscription: PanelSubscription): void {
    this.subscriptions.set(subscription.id, subscription);
    this.send(subscription);
  }

  unsubscribe(id: string): void {
    if (!this.subscriptions.delete(id)) return;
    this.ends.delete(id);
    this.send({ type: 'unsubscribe', id });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'view closed');
    this.socket = null;
    this.handlers.onState('closed');
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private open(): void {
    this.handlers.onState(this.attempt ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      for (const subscription of this.subscriptions.values()) {
        const since = this.ends.get(subscription.id);
        this.send(since ? { ...subscription, since } : subscription);
      }
      this.handlers.onState('open');
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') this.receive(parseFrame(event.data));
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket || this.closed) return;
      this.socket = null;
      if (!shouldReconnect(event.code)) {
        console.error(`live updates stopped: the server closed with ${event.code} ${event.reason}`);
        this.handlers.onState('failed', event.reason || `closed with code ${event.code}`);
        return;
      }
      const delay = reconnectDelay(this.attempt);
      this.attempt += 1;
      this.handlers.onState('reconnecting', `retrying in ${Math.ceil(delay / 1000)} s`);
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  private receive(messages: ServerMessage[]): void {
    for (const message of messages) {
      if (message.type === 'data') {
        if (!this.subscriptions.has(message.id)) continue; // a late message of one we left
        this.attempt = 0; // this connection delivers: the next drop starts over at 0.5 s
        this.ends.set(message.id, { ...this.ends.get(message.id), [message.ref]: message.end });
        this.handlers.onData(message);
      } else if (message.type === 'error') {
        this.handlers.onError(message.id, message.ref, message.message);
      }
    }
  }
}
