import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * Ids of the panels inside `container` that are on screen (or nearly): live updates follow
 * only those, so a long dashboard does not stream what nobody sees.
 */
export function useVisiblePanels(container: RefObject<HTMLElement | null>, drawnKey: string): Set<number> {
  const [visible, setVisible] = useState<Set<number>>(new Set());
  useEffect(() => {
    const root = container.current;
    if (!root || typeof IntersectionObserver === 'undefined') return undefined;
    const shown = new Set<number>();
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const id = Number((entry.target as HTMLElement).dataset.panelId);
          if (entry.isIntersecting) shown.add(id);
          else shown.delete(id);
        }
        setVisible(new Set(shown));
      },
      { rootMargin: '200px 0px' },
    );
    root.querySelectorAll('[data-panel-id]').forEach((element) => observer.observe(element));
    return () => observer.disconnect();
  }, [container, drawnKey]);
  return visible;
}
