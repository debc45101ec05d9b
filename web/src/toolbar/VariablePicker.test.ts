import { describe, expect, it } from 'vitest';
import { toggleValue } from './VariablePicker';

describe('toggleValue', () => {
  it('adds and removes values', () => {
    expect(toggleValue(['a'], 'b', true)).toEqual(['a', 'b']);
    expect(toggleValue(['a', 'b'], 'a', false)).toEqual(['b']);
  });

  it('makes All and single values exclude each other', () => {
    expect(toggleValue(['a', 'b'], '$__all', true)).toEqual(['$__all']);
    expect(toggleValue(['$__all'], 'a', true)).toEqual(['a']);
  });
});
