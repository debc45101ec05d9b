import { describe, expect, it } from 'vitest';
import type { Frame } from '../api/types';
import { changeText, changeTone, percentChange } from './percentChange';

const frame = (values: (number | null)[]): Frame =>
  ({ refId: 'A', name: 'x', labels: {}, timestamps: values.map((_, i) => i * 1000), values }) as Frame;

describe('percent change over the range', () => {
  it('goes from the first value to the last, skipping gaps', () => {
    expect(percentChange(frame([null, 200, 150, null, 250, null]))).toBeCloseTo(0.25);
    expect(percentChange(frame([-50, -100]))).toBeCloseTo(-1);
  });

  it('is unknown without two values or from zero', () => {
    expect(percentChange(frame([5]))).toBeNull();
    expect(percentChange(frame([0, 5]))).toBeNull();
    expect(percentChange(frame([null, null]))).toBeNull();
  });

  it('is written with one decimal below 10%', () => {
    expect(changeText(0.0523)).toBe('5.2%');
    expect(changeText(-0.237)).toBe('24%');
  });

  it('is good or bad by the colour mode', () => {
    expect(changeTone(0.1, 'standard')).toBe('good');
    expect(changeTone(0.1, 'inverted')).toBe('bad');
    expect(changeTone(-0.1, 'inverted')).toBe('good');
    expect(changeTone(0, 'standard')).toBe('flat');
    expect(changeTone(-0.1, 'same_as_value')).toBe('value');
  });
});
