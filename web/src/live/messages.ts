// The live protocol's messages (pulseboard/live/protocol.py), as this UI sends and reads them.

export interface LiveSeries {
  labels: Record<string, string>;
  timestamps: number[];
  values: (number | null)[];
}

export interface LiveData {
  type: 'data';
  id: string;
  ref: string;
  computed_at: number;
  start: number;
  end: number;
  step: number;
  reset: boolean;
  series: LiveSeries[];
}

export interface LiveError {
  type: 'error';
  id: string | null;
  ref: string | null;
  message: string;
}

export type ServerMessage = LiveData | LiveError | { type: 'unsubscribed'; id: string } | { type: 'pong' };

export interface PanelSubscription {
  type: 'subscribe';
  id: string;
  dashboard: string;
  panel: number;
  vars: Record<string, string[]>;
  interval: string;
  range: string;
  since?: Record<string, number>;
}

/** A frame holds one message or a JSON array of messages sent together. */
export function parseFrame(text: string): ServerMessage[] {
  const parsed: unknown = JSON.parse(text);
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  return messages.filter(
    (message): message is ServerMessage =>
      typeof message === 'object' &&
      message !== null &&
      typeof (message as { type?: unknown }).type === 'string',
  );
}
