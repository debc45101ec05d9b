import { useEffect, useState } from 'preact/hooks';

/**
 * A code-split module, loaded once `wanted` first turns true (a button pressed, a mode entered)
 * and kept; null until it has loaded. `load` should be defined once, outside the component.
 */
export function useLazyModule<T>(
  load: () => Promise<T>,
  wanted: boolean,
): { module: T | null; failed: boolean } {
  const [module, setModule] = useState<T | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!wanted || module) return undefined;
    let current = true;
    load()
      .then((loaded) => current && setModule(() => loaded))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [wanted, load]);
  return { module, failed };
}
