import { describe, expect, it } from 'vitest';
import { contrast, parseColor, readableOn, statusOf, textOn } from './color';

describe('parseColor', () => {
  it('reads hex, rgb() and Grafana colour names', () => {
    expect(parseColor('#10B981')).toEqual([16, 185, 129]);
    expect(parseColor('#fff')).toEqual([255, 255, 255]);
    expect(parseColor('rgba(1, 2, 3, 0.5)')).toEqual([1, 2, 3]);
    expect(parseColor('semi-dark-red')).toEqual(parseColor('#EF4444'));
    expect(parseColor('chartreuse-ish')).toBeNull();
  });
});

describe('contrast', () => {
  it('is 21:1 for black on white and 1:1 for a colour on itself', () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21);
    expect(contrast([16, 185, 129], [16, 185, 129])).toBe(1);
  });
});

describe('readableOn', () => {
  it('keeps a colour that already reads', () => {
    expect(readableOn('#10B981', '#111111')).toBe('#10B981');
  });

  it('darkens on light backgrounds and lightens on dark ones until the ratio is met', () => {
    for (const [color, background] of [
      ['#10B981', '#FFFFFF'],
      ['#F59E0B', '#FFFFFF'],
      ['#0072B2', '#111111'],
    ] as const) {
      const readable = readableOn(color, background, 4.5);
      expect(contrast(parseColor(readable)!, parseColor(background)!)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('picks black or white text for a filled background', () => {
    expect(textOn('#7C3AED')).toBe('#FFFFFF');
    expect(textOn('#F59E0B')).toBe('#000000');
  });
});

describe('statusOf', () => {
  it('reads the meaning of threshold colours from their hue', () => {
    expect(statusOf('#10B981')).toBe('ok');
    expect(statusOf('green')).toBe('ok');
    expect(statusOf('#F59E0B')).toBe('warning');
    expect(statusOf('orange')).toBe('warning');
    expect(statusOf('#EF4444')).toBe('critical');
    expect(statusOf('dark-red')).toBe('critical');
    expect(statusOf('#3B82F6')).toBe('info');
    expect(statusOf('#808080')).toBe('neutral');
    expect(statusOf(undefined)).toBe('neutral');
  });
});
