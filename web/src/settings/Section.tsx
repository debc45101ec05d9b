import type { ComponentChildren } from 'preact';
import type { Loaded } from './useLoaded';

/** A settings section: its heading, and its content once loaded (or why it could not be). */
export function Section<T>({
  id,
  title,
  loaded,
  children,
}: {
  id: string;
  title: string;
  loaded: Loaded<T>;
  children: (value: T) => ComponentChildren;
}) {
  return (
    <section class="settings-section" aria-labelledby={id} aria-busy={loaded.state === 'loading'}>
      <h2 id={id}>{title}</h2>
      {loaded.state === 'loading' && <p class="muted">Loading…</p>}
      {loaded.state === 'error' && (
        <p class="settings-error" role="alert">
          Could not load: {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && children(loaded.value)}
    </section>
  );
}
