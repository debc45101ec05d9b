import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Progress {
  settled: number;
  total: number;
  /** Every panel drawn (data-state "ready") or failed ("error"), and the fonts loaded. */
  done: boolean;
}

const SETTLED = new Set(['ready', 'error']);

function count(root: HTMLElement): { settled: number; total: number } {
  const panels = [...root.querySelectorAll<HTMLElement>('[data-panel-id]')];
  return {
    settled: panels.filter((panel) => SETTLED.has(panel.dataset.state ?? '')).length,
    total: panels.length,
  };
}

/** How many panels inside `container` have settled; follows their data-state attributes. */
export function usePanelsSettled(container: RefObject<HTMLElement | null>): Progress {
  const [progress, setProgress] = useState<Progress>({ settled: 0, total: 0, done: false });
  useEffect(() => {
    const root = container.current;
    if (!root) return undefined;
    let current = true;
    const update = (): void => {
      const { settled, total } = count(root);
      if (total === 0 || settled < total) {
        setProgress({ settled, total, done: false });
        return;
      }
      // Text drawn on canvases before a web font arrived would print in the fallback font.
      void document.fonts.ready.then(() => {
        const now = count(root);
        if (current) setProgress({ ...now, done: now.settled === now.total });
      });
    };
    const observer = new MutationObserver(update);
    observer.observe(root, { subtree: true, childList: true, attributeFilter: ['data-state'] });
    update();
    return () => {
      current = false;
      observer.disconnect();
    };
  }, [container]);
  return progress;
}
