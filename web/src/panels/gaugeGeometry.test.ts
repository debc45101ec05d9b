import { describe, expect, it } from 'vitest';
import { angleOf, arcPath, gaugeBounds, pointAt } from './gaugeGeometry';

describe('gauge geometry', () => {
  it('maps values onto the 240 degree arc, clamped', () => {
    expect(angleOf(0, 0, 100)).toBe(-120);
    expect(angleOf(50, 0, 100)).toBe(0);
    expect(angleOf(100, 0, 100)).toBe(120);
    expect(angleOf(500, 0, 100)).toBe(120);
    expect(angleOf(5, 5, 5)).toBe(-120);
  });

  it('measures angles clockwise from the top', () => {
    const [x, y] = pointAt(0, 0, 10, 90);
    expect(x).toBeCloseTo(10);
    expect(y).toBeCloseTo(0);
  });

  it('uses the large arc flag past half a circle', () => {
    expect(arcPath(50, 50, 40, -120, 120)).toContain(' 0 1 1 ');
    expect(arcPath(50, 50, 40, -120, 0)).toContain(' 0 0 1 ');
  });

  it('takes bounds from the field, else from the unit, else from the values', () => {
    expect(gaugeBounds('s', 1, 5, [3])).toEqual([1, 5]);
    expect(gaugeBounds('percentunit', undefined, undefined, [0.3])).toEqual([0, 1]);
    expect(gaugeBounds('percent', undefined, undefined, [30])).toEqual([0, 100]);
    expect(gaugeBounds('short', undefined, undefined, [3, 12])).toEqual([0, 12]);
  });
});
