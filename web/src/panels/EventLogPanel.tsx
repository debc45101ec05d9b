import { formatText } from '../format/units';
import type { PanelProps } from './types';
import { momentFormatIn, useTimeZone } from '../format/time';

const MAX_EVENTS = 200;

/** The newest points of every series as a log of events, newest first. */
export function EventLogPanel({ data }: PanelProps) {
  const moment = momentFormatIn(useTimeZone());
  const events = data.frames
    .flatMap((frame) =>
      frame.timestamps.map((time, index) => ({ time, name: frame.name, value: frame.values[index] ?? null })),
    )
    .sort((a, b) => b.time - a.time)
    .slice(0, MAX_EVENTS);
  if (!events.length) return <p class="empty-state">No events in this time range.</p>;
  return (
    <ol class="event-log">
      {events.map((event, index) => (
        <li key={`${event.time}:${event.name}:${index}`}>
          <time dateTime={new Date(event.time).toISOString()}>{moment.format(event.time)}</time>
          <span class="event-name">{event.name}</span>
          <span class="event-value">
            {formatText(event.value, data.fieldConfig.unit, data.fieldConfig.decimals)}
          </span>
        </li>
      ))}
    </ol>
  );
}
