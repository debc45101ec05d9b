// gridstack on the items Preact renders: gridstack moves and sizes them (drag and drop), Preact
// renders what is inside them. The document stays the one source of truth: a drop is reported
// as the new layout, and a layout changed elsewhere (the keyboard, a new panel) is loaded into
// gridstack after each render.

import { GridStack, type GridItemHTMLElement, type GridStackNode } from 'gridstack';
import 'gridstack/dist/gridstack.css';
import type { RefObject } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { COLUMNS, type Box } from './gridLayout';
import { PANEL_LIMITS } from './keyboardLayout';

/** As the view's grid: 30 px rows and 8 px gaps (gridstack puts half the gap on each side). */
const CELL_HEIGHT = 38;
const MARGIN = 4;
/** Panels are dragged by their header or their move handle, rows by their bar (other buttons
 * in them still click). */
const DRAG_HANDLES = '.panel-header, .edit-row-bar, .move-handle';

function boxesOf(grid: GridStack): Box[] {
  return grid.engine.nodes.map((node) => ({
    id: Number(node.id),
    x: node.x ?? 0,
    y: node.y ?? 0,
    w: node.w ?? 1,
    h: node.h ?? 1,
  }));
}

function sameLayout(grid: GridStack, boxes: readonly Box[]): boolean {
  const placed = new Map(boxesOf(grid).map((box) => [box.id, box]));
  return (
    placed.size === boxes.length &&
    boxes.every((box) => {
      const node = placed.get(box.id);
      return node && node.x === box.x && node.y === box.y && node.w === box.w && node.h === box.h;
    })
  );
}

/**
 * Binds gridstack to `container`, whose children with `data-box-id` are the items. `fixedSize`
 * holds the ids of boxes that move but do not resize (rows).
 */
export function useGridstack(
  container: RefObject<HTMLElement | null>,
  boxes: readonly Box[],
  fixedSize: ReadonlySet<number>,
  onLayout: (boxes: Box[]) => void,
): void {
  const gridRef = useRef<GridStack | null>(null);
  const loading = useRef(false);
  const report = useRef(onLayout);
  report.current = onLayout;

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const grid = GridStack.init(
      {
        column: COLUMNS,
        cellHeight: CELL_HEIGHT,
        margin: MARGIN,
        mode: 'top', // gravity, as gridLayout.compact
        animate: true,
        handle: DRAG_HANDLES,
        resizable: { handles: 'e,se,s,sw,w' },
      },
      element,
    );
    if (!grid) return undefined;
    grid.on('change', () => {
      if (!loading.current) report.current(boxesOf(grid));
    });
    gridRef.current = grid;
    return () => {
      grid.destroy(false); // Preact removes the elements
      gridRef.current = null;
    };
  }, [container]);

  useLayoutEffect(() => {
    const grid = gridRef.current;
    const element = container.current;
    if (!grid || !element) return;
    const wanted = new Map(boxes.map((box) => [box.id, box]));
    loading.current = true;
    try {
      grid.batchUpdate();
      for (const node of [...grid.engine.nodes]) {
        if (node.el && (!node.el.isConnected || !wanted.has(Number(node.id))))
          grid.removeWidget(node.el, false, false);
      }
      for (const item of element.querySelectorAll<GridItemHTMLElement>(':scope > [data-box-id]')) {
        const box = wanted.get(Number(item.dataset.boxId));
        if (item.gridstackNode || !box) continue;
        const options: GridStackNode = { id: String(box.id), x: box.x, y: box.y, w: box.w, h: box.h };
        if (fixedSize.has(box.id)) Object.assign(options, { noResize: true });
        // A panel saved smaller than the minimum keeps its size (gridstack would grow it).
        else
          Object.assign(options, {
            minW: Math.min(PANEL_LIMITS.minW, box.w),
            minH: Math.min(PANEL_LIMITS.minH, box.h),
          });
        grid.makeWidget(item, options);
      }
      grid.batchUpdate(false);
      if (!sameLayout(grid, boxes))
        grid.load(
          boxes.map((box) => ({ ...box, id: String(box.id) })),
          false,
        );
    } finally {
      loading.current = false;
    }
  });
}
