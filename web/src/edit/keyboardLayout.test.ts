import { describe, expect, it } from 'vitest';
import { overlaps, type Box } from './gridLayout';
import { PANEL_LIMITS, ROW_LIMITS, possibleSteps, stepBox, type LayoutStep } from './keyboardLayout';

const box = (id: number, x: number, y: number, w: number, h: number): Box => ({ id, x, y, w, h });
const byId = (boxes: Box[] | null): Box[] => [...(boxes ?? [])].sort((a, b) => a.id - b.id);
const find = (boxes: Box[] | null, id: number): Box | undefined => boxes?.find((b) => b.id === id);

function valid(boxes: Box[]): boolean {
  const inside = boxes.every((b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= 24 && b.w >= 1 && b.h >= 1);
  return inside && boxes.every((a, i) => boxes.every((b, j) => i === j || !overlaps(a, b)));
}

// Two stats side by side over a wide chart.
const layout = [box(1, 0, 0, 12, 4), box(2, 12, 0, 12, 4), box(3, 0, 4, 24, 8)];

describe('stepBox', () => {
  it('moves sideways one column at a time and stops at the edges', () => {
    const moved = stepBox([box(1, 0, 0, 6, 4)], 1, 'right', PANEL_LIMITS);
    expect(find(moved, 1)).toEqual(box(1, 1, 0, 6, 4));
    expect(stepBox([box(1, 0, 0, 6, 4)], 1, 'left', PANEL_LIMITS)).toBeNull();
    expect(stepBox([box(1, 18, 0, 6, 4)], 1, 'right', PANEL_LIMITS)).toBeNull();
  });

  it('pushes a neighbour it moves onto below it, never overlapping', () => {
    const moved = stepBox(layout, 1, 'right', PANEL_LIMITS)!;
    expect(find(moved, 1)).toEqual(box(1, 1, 0, 12, 4));
    expect(find(moved, 2)!.y).toBe(4);
    expect(valid(moved)).toBe(true);
  });

  it('moves down past the next box below, which rises as far as it can', () => {
    const moved = stepBox(layout, 1, 'down', PANEL_LIMITS);
    // The wide chart stays under the other stat; the moved stat settles under the chart.
    expect(byId(moved)).toEqual([box(1, 0, 12, 12, 4), box(2, 12, 0, 12, 4), box(3, 0, 4, 24, 8)]);
    const column = [box(1, 0, 0, 12, 4), box(2, 0, 4, 12, 6)];
    expect(byId(stepBox(column, 1, 'down', PANEL_LIMITS))).toEqual([
      box(1, 0, 6, 12, 4),
      box(2, 0, 0, 12, 6),
    ]);
  });

  it('moves up above the next box above, and back down again', () => {
    const down = stepBox(layout, 3, 'up', PANEL_LIMITS)!;
    expect(byId(down)).toEqual([box(1, 0, 8, 12, 4), box(2, 12, 8, 12, 4), box(3, 0, 0, 24, 8)]);
    const back = stepBox(down, 3, 'down', PANEL_LIMITS);
    expect(byId(back)).toEqual(layout);
  });

  it('cannot move up from the top or down from the bottom', () => {
    expect(stepBox(layout, 1, 'up', PANEL_LIMITS)).toBeNull();
    expect(stepBox(layout, 3, 'down', PANEL_LIMITS)).toBeNull();
  });

  it('resizes one step, pushing what it grows onto and pulling up what it frees', () => {
    const wider = stepBox(layout, 1, 'wider', PANEL_LIMITS)!;
    expect(find(wider, 1)).toEqual(box(1, 0, 0, 13, 4));
    expect(valid(wider)).toBe(true);
    const shorter = stepBox(layout, 1, 'shorter', PANEL_LIMITS)!;
    expect(find(shorter, 1)).toEqual(box(1, 0, 0, 12, 3));
    expect(find(shorter, 3)!.y).toBe(4); // still under the other stat
    const taller = stepBox(layout, 2, 'taller', PANEL_LIMITS)!;
    expect(find(taller, 3)!.y).toBe(5);
  });

  it('grows to the left at the right edge and keeps a minimum size', () => {
    expect(find(stepBox(layout, 2, 'wider', PANEL_LIMITS), 2)).toEqual(box(2, 11, 0, 13, 4));
    expect(stepBox([box(1, 0, 0, 2, 2)], 1, 'narrower', PANEL_LIMITS)).toBeNull();
    expect(stepBox([box(1, 0, 0, 2, 2)], 1, 'shorter', PANEL_LIMITS)).toBeNull();
  });

  it('moves rows up and down only', () => {
    const withRow = [box(10, 0, 0, 24, 1), box(1, 0, 1, 12, 4), box(11, 0, 5, 24, 1)];
    expect(possibleSteps(withRow, 11, ROW_LIMITS)).toEqual(new Set(['up']));
    const up = stepBox(withRow, 11, 'up', ROW_LIMITS)!;
    expect(byId(up)).toEqual([box(1, 0, 2, 12, 4), box(10, 0, 0, 24, 1), box(11, 0, 1, 24, 1)]);
  });

  it('keeps any layout valid whatever the steps', () => {
    const steps: LayoutStep[] = ['left', 'right', 'up', 'down', 'wider', 'narrower', 'taller', 'shorter'];
    let boxes = [
      box(1, 0, 0, 6, 4),
      box(2, 6, 0, 9, 6),
      box(3, 15, 0, 9, 3),
      box(4, 0, 6, 24, 5),
      box(5, 3, 4, 3, 2),
    ];
    let seed = 7;
    for (let round = 0; round < 400; round += 1) {
      seed = (seed * 48271) % 2147483647;
      const id = (seed % boxes.length) + 1;
      const next = stepBox(boxes, id, steps[seed % steps.length]!, PANEL_LIMITS);
      if (next) boxes = next;
      expect(valid(boxes)).toBe(true);
      expect(boxes).toHaveLength(5);
    }
  });
});
