import type { RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface Size {
  width: number;
  height: number;
}

function contentSize(element: Element): Size {
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const horizontal = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  const vertical = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  return { width: Math.floor(box.width - horizontal), height: Math.floor(box.height - vertical) };
}

/**
 * The element's content size (whole pixels), following it as the layout changes. The first
 * size is read right after the element is laid out, not at the first resize notification: a
 * chart draws in the same turn as its panel, without waiting for a rendered frame.
 */
export function useElementSize<T extends Element>(): [RefObject<T | null>, Size] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const update = (next: Size): void =>
      setSize((before) => (before.width === next.width && before.height === next.height ? before : next));
    update(contentSize(element));
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return;
      update({ width: Math.floor(entry.contentRect.width), height: Math.floor(entry.contentRect.height) });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, size];
}
