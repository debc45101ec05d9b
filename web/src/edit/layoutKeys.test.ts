import { describe, expect, it } from 'vitest';
import { describePlace, stepForKey } from './layoutKeys';

describe('layout keys', () => {
  it('moves with arrows and resizes with Shift+arrows', () => {
    expect(stepForKey('ArrowLeft', false)).toBe('left');
    expect(stepForKey('ArrowRight', true)).toBe('wider');
    expect(stepForKey('ArrowUp', true)).toBe('shorter');
    expect(stepForKey('ArrowDown', false)).toBe('down');
    expect(stepForKey('Enter', false)).toBeNull();
  });

  it('says where a panel is in grid words, counting from 1', () => {
    expect(describePlace('Requests', { x: 2, y: 4, w: 12, h: 8 })).toBe(
      'Requests: column 3, row 5, 12 wide, 8 high.',
    );
  });
});
