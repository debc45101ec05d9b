// The keyboard's words for layout steps: the labels of the menu items, and the arrow keys of a
// panel's move handle (arrows move, Shift+arrows resize).

import type { LayoutStep } from './keyboardLayout';

export const STEP_LABELS: Record<LayoutStep, string> = {
  left: 'Move left',
  right: 'Move right',
  up: 'Move up',
  down: 'Move down',
  wider: 'Wider',
  narrower: 'Narrower',
  taller: 'Taller',
  shorter: 'Shorter',
};

export const MOVES: readonly LayoutStep[] = ['left', 'right', 'up', 'down'];
export const RESIZES: readonly LayoutStep[] = ['wider', 'narrower', 'taller', 'shorter'];

const ARROWS: Record<string, [move: LayoutStep, resize: LayoutStep]> = {
  ArrowLeft: ['left', 'narrower'],
  ArrowRight: ['right', 'wider'],
  ArrowUp: ['up', 'shorter'],
  ArrowDown: ['down', 'taller'],
};

export function stepForKey(key: string, shiftKey: boolean): LayoutStep | null {
  const steps = ARROWS[key];
  return steps ? steps[shiftKey ? 1 : 0] : null;
}

/** What a screen reader hears after a step: "Requests: column 3, row 5, 12 wide, 8 high." */
export function describePlace(title: string, box: { x: number; y: number; w: number; h: number }): string {
  return `${title}: column ${box.x + 1}, row ${box.y + 1}, ${box.w} wide, ${box.h} high.`;
}
