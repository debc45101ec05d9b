import { describe, expect, it } from 'vitest';
import { parseTags } from './tags';

describe('parseTags', () => {
  it('splits on commas, trims, drops empty and repeated tags', () => {
    expect(parseTags('ops, prod , , ops,')).toEqual(['ops', 'prod']);
    expect(parseTags('')).toEqual([]);
  });
});
