import { useEffect, useState } from 'preact/hooks';

export type Loaded<T> =
  { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

/** What `load` answers, fetched on mount and again whenever `generation` changes. */
export function useLoaded<T>(load: (signal: AbortSignal) => Promise<T>, generation = 0): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (value) => setLoaded({ state: 'ready', value }),
      (error: unknown) => {
        if (!controller.signal.aborted) {
          setLoaded({ state: 'error', message: error instanceof Error ? error.message : String(error) });
        }
      },
    );
    return () => controller.abort();
    // `load` is a module function: only the generation asks for a reload.
  }, [generation]);
  return loaded;
}
