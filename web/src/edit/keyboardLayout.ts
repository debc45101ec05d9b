// Moving and resizing a box one step from the keyboard, the alternative to dragging that WCAG
// 2.1 (2.1.1) asks for. With gravity nothing floats with space above it, so "down" means past
// the next box below and "up" means above the next box above; sideways and size steps are one
// column or row.

import { COLUMNS, placeBox, sharesColumns, type Box } from './gridLayout';

export type LayoutStep = 'left' | 'right' | 'up' | 'down' | 'wider' | 'narrower' | 'taller' | 'shorter';

export interface SizeLimits {
  minW: number;
  minH: number;
  /** Rows span the grid and are one row high: they only move up and down. */
  fixedSize?: boolean;
}

export const PANEL_LIMITS: SizeLimits = { minW: 2, minH: 2 };
export const ROW_LIMITS: SizeLimits = { minW: COLUMNS, minH: 1, fixedSize: true };

/** The nearest box above (largest bottom) or below (smallest top) that shares a column. */
function neighbour(boxes: readonly Box[], box: Box, direction: 'up' | 'down'): Box | undefined {
  const candidates = boxes.filter(
    (other) =>
      other.id !== box.id &&
      sharesColumns(other, box) &&
      (direction === 'up' ? other.y + other.h <= box.y : other.y >= box.y + box.h),
  );
  const key = (other: Box): number => (direction === 'up' ? -(other.y + other.h) : other.y);
  return candidates.sort((a, b) => key(a) - key(b) || a.x - b.x)[0];
}

/** Where the box is asked to go, before pushing others; null when it cannot go that way. */
function target(boxes: readonly Box[], box: Box, step: LayoutStep, limits: SizeLimits): Box | null {
  switch (step) {
    case 'left':
      return !limits.fixedSize && box.x > 0 ? { ...box, x: box.x - 1 } : null;
    case 'right':
      return !limits.fixedSize && box.x + box.w < COLUMNS ? { ...box, x: box.x + 1 } : null;
    case 'up': {
      const above = neighbour(boxes, box, 'up');
      return above ? { ...box, y: above.y } : null;
    }
    case 'down': {
      const below = neighbour(boxes, box, 'down');
      return below ? { ...box, y: below.y + below.h } : null;
    }
    case 'wider':
      if (limits.fixedSize || box.w >= COLUMNS) return null;
      // At the right edge a box grows to the left instead.
      return box.x + box.w < COLUMNS ? { ...box, w: box.w + 1 } : { ...box, x: box.x - 1, w: box.w + 1 };
    case 'narrower':
      return !limits.fixedSize && box.w > limits.minW ? { ...box, w: box.w - 1 } : null;
    case 'taller':
      return limits.fixedSize ? null : { ...box, h: box.h + 1 };
    case 'shorter':
      return !limits.fixedSize && box.h > limits.minH ? { ...box, h: box.h - 1 } : null;
  }
}

/** The whole layout after one step of box `id`, or null when that step is not possible. */
export function stepBox(
  boxes: readonly Box[],
  id: number,
  step: LayoutStep,
  limits: SizeLimits,
): Box[] | null {
  const box = boxes.find((candidate) => candidate.id === id);
  if (!box) return null;
  const moved = target(boxes, box, step, limits);
  if (!moved) return null;
  return placeBox(boxes, moved);
}

/** The steps possible for box `id` now, to offer only those. */
export function possibleSteps(boxes: readonly Box[], id: number, limits: SizeLimits): Set<LayoutStep> {
  const box = boxes.find((candidate) => candidate.id === id);
  const steps: LayoutStep[] = ['left', 'right', 'up', 'down', 'wider', 'narrower', 'taller', 'shorter'];
  return new Set(box ? steps.filter((step) => target(boxes, box, step, limits) !== null) : []);
}
