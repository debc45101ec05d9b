import { describe, expect, it } from 'vitest';
import { formatText, formatValue, toFixedText } from './units';

describe('toFixedText', () => {
  it('uses the decimals it is given', () => {
    expect(toFixedText(0.5, 3)).toBe('0.500');
    expect(toFixedText(12.345, 0)).toBe('12');
  });

  it('keeps about three significant digits without trailing zeros otherwise', () => {
    expect(toFixedText(5, undefined)).toBe('5');
    expect(toFixedText(12.345, undefined)).toBe('12.3');
    expect(toFixedText(0.012345, undefined)).toBe('0.0123');
    expect(toFixedText(1234.5, undefined)).toBe('1235');
    expect(toFixedText(0, undefined)).toBe('0');
  });

  it('names values JSON cannot hold', () => {
    expect(toFixedText(Number.NaN, 2)).toBe('NaN');
    expect(toFixedText(Number.POSITIVE_INFINITY, 2)).toBe('∞');
    expect(toFixedText(Number.NEGATIVE_INFINITY, undefined)).toBe('-∞');
  });
});

describe('formatText', () => {
  it.each([
    [0.99812, 'percentunit', 2, '99.81%'],
    [0.5, 'percentunit', undefined, '50%'],
    [42.5, 'percent', 1, '42.5%'],
    [0.012, 's', undefined, '12 ms'],
    [0.0000042, 's', undefined, '4.2 µs'],
    [90, 's', undefined, '1.5 min'],
    [7200, 's', undefined, '2 hour'],
    [172800, 's', undefined, '2 day'],
    [1209600, 's', undefined, '2 week'],
    [63072000, 's', undefined, '2 year'],
    [250, 'ms', undefined, '250 ms'],
    [1500, 'ms', undefined, '1.5 s'],
    [1536, 'bytes', 2, '1.50 KiB'],
    [5 * 1024 ** 3, 'bytes', undefined, '5 GiB'],
    [1500, 'decbytes', undefined, '1.5 kB'],
    [2_500_000, 'bps', undefined, '2.5 Mb/s'],
    [35.52, 'reqps', undefined, '35.5 req/s'],
    [12_000, 'reqps', undefined, '12 K req/s'],
    [3, 'ops', undefined, '3 ops/s'],
    [1234, 'short', undefined, '1.23 K'],
    [4_560_000, 'short', undefined, '4.56 M'],
    [12.5, 'currencyUSD', undefined, '$12.50'],
    [1234.5, 'currencyUSD', undefined, '$1.23K'],
    [-3.2, 'currencyUSD', undefined, '-$3.20'],
    [1234.5678, 'none', undefined, '1235'],
    [0.25, 'none', 2, '0.25'],
  ])('%s in %s (decimals %s) is %s', (value, unit, decimals, expected) => {
    expect(formatText(value, unit, decimals)).toBe(expected);
  });

  it('keeps the precision of given decimals in a smaller duration unit', () => {
    expect(formatText(0.249799, 's', 3)).toBe('250 ms');
    expect(formatText(0.0125, 's', 4)).toBe('12.5 ms');
    expect(formatText(0.5, 'ms', 1)).toBe('500 µs');
    expect(formatText(1.5, 's', 3)).toBe('1.500 s');
    expect(formatText(90, 's', 1)).toBe('1.5 min');
  });

  it('scales negative values by their size', () => {
    expect(formatText(-2048, 'bytes')).toBe('-2 KiB');
    expect(formatText(-0.5, 's')).toBe('-500 ms');
  });

  it('moves a value that rounds up to the next step', () => {
    expect(formatText(999_999, 'short')).toBe('1 M');
  });

  it('writes an unknown unit after the number', () => {
    expect(formatText(3, 'widgets')).toBe('3 widgets');
  });

  it('formats without a unit as short', () => {
    expect(formatText(2500)).toBe('2.5 K');
  });

  it('shows the no-value text for missing values', () => {
    expect(formatText(null, 'percent')).toBe('No data');
    expect(formatText(undefined, 'percent', 2, '–')).toBe('–');
  });

  it('keeps prefix and suffix apart for display', () => {
    expect(formatValue(12.5, 'currencyUSD')).toEqual({ prefix: '$', text: '12.50', suffix: '' });
    expect(formatValue(0.2, 'percentunit')).toEqual({ prefix: '', text: '20', suffix: '%' });
  });
});
