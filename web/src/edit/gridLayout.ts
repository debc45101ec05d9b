// The edit grid's layout rules, shared by drag and drop (gridstack) and the keyboard: 24
// columns, no overlaps, and gravity: every box rises until something is above it, as in
// Grafana's grid. A change places one box and pushes whatever it lands on downwards.

export const COLUMNS = 24;

export interface Box {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Rect = Omit<Box, 'id'>;

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Whether two boxes share a column (one could stop the other moving up or down). */
export function sharesColumns(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w;
}

function byPosition(a: Rect, b: Rect): number {
  return a.y - b.y || a.x - b.x;
}

export function bottom(boxes: readonly Rect[]): number {
  return boxes.reduce((lowest, box) => Math.max(lowest, box.y + box.h), 0);
}

/** Every box as high as it can go, top rows first (gridstack's packing when it does not float). */
export function compact(boxes: readonly Box[]): Box[] {
  const placed: Box[] = [];
  for (const box of [...boxes].sort(byPosition)) {
    let y = box.y;
    while (y > 0 && !placed.some((other) => overlaps(other, { ...box, y: y - 1 }))) y -= 1;
    placed.push(y === box.y ? box : { ...box, y });
  }
  return placed;
}

/**
 * `moved` where it is put, every box it lands on pushed down below what it hits (and so on
 * down the grid), then everything risen back up by gravity.
 */
export function placeBox(boxes: readonly Box[], moved: Box): Box[] {
  const settled: Box[] = [moved];
  for (const box of boxes.filter((other) => other.id !== moved.id).sort(byPosition)) {
    let current = box;
    for (
      let hit = settled.find((s) => overlaps(s, current));
      hit;
      hit = settled.find((s) => overlaps(s, current))
    ) {
      current = { ...current, y: hit.y + hit.h };
    }
    settled.push(current);
  }
  return compact(settled);
}

/** The first place, reading rows top-down and left to right, where a w x h box fits. */
export function freeSpot(boxes: readonly Rect[], w: number, h: number): { x: number; y: number } {
  const width = Math.min(Math.max(w, 1), COLUMNS);
  const lowest = bottom(boxes);
  for (let y = 0; y < lowest; y += 1) {
    for (let x = 0; x + width <= COLUMNS; x += 1) {
      const candidate = { x, y, w: width, h };
      if (!boxes.some((box) => overlaps(box, candidate))) return { x, y };
    }
  }
  return { x: 0, y: lowest };
}
