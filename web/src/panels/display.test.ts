import { describe, expect, it } from 'vitest';
import type { FieldDefaults, Frame } from '../api/types';
import { displayText, displayValue } from './display';

function reduced(value: number | null): Frame {
  return {
    refId: 'A',
    name: 'x',
    labels: {},
    timestamps: [],
    values: [],
    reduced: { calc: 'lastNotNull', value },
  };
}

const show = (value: number, defaults: FieldDefaults): string =>
  displayText(displayValue(reduced(value), defaults, 'dark'));

describe('displayValue', () => {
  it('drops a fraction of zeros from a single number, keeping given decimals that carry digits', () => {
    expect(show(1, { unit: 'percentunit', decimals: 2 })).toBe('100%');
    expect(show(0.9998, { unit: 'percentunit', decimals: 2 })).toBe('99.98%');
    expect(show(0.995, { unit: 'percentunit', decimals: 1 })).toBe('99.5%');
    expect(show(3, { unit: 'short', decimals: 0 })).toBe('3');
  });

  it('shows a latency to the precision its decimals give', () => {
    expect(show(0.249799, { unit: 's', decimals: 3 })).toBe('250 ms');
    expect(show(0.249799, { unit: 's' })).toBe('250 ms');
  });

  it('shows the no-value text when there is no value', () => {
    expect(displayText(displayValue(reduced(null), { noValue: 'n/a' }, 'dark'))).toBe('n/a');
  });
});
