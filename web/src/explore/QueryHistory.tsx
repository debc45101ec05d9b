import { momentFormat } from '../format/time';
import type { HistoryEntry } from './queryHistory';

interface Props {
  entries: HistoryEntry[];
  onRestore(expr: string): void;
  onClear(): void;
}

/** The queries run before, newest first; choosing one puts it back into the editor. */
export function QueryHistory({ entries, onRestore, onClear }: Props) {
  return (
    <section class="explore-history" aria-labelledby="explore-history-title">
      <div class="explore-history-header">
        <h2 id="explore-history-title">Query history</h2>
        {entries.length > 0 && (
          <button type="button" class="control" onClick={onClear}>
            Clear
          </button>
        )}
      </div>
      {entries.length === 0 ? (
        <p class="muted">Queries you run appear here, in this browser only.</p>
      ) : (
        <ol class="history-list">
          {entries.map((entry) => (
            <li key={entry.expr}>
              <button
                type="button"
                class="history-entry"
                onClick={() => onRestore(entry.expr)}
                title="Put this query into the editor"
              >
                <code>{entry.expr}</code>
                <time class="muted" dateTime={new Date(entry.ranAt).toISOString()}>
                  {momentFormat.format(entry.ranAt)}
                </time>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
