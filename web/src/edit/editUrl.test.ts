import { describe, expect, it } from 'vitest';
import { isEditing, withEditFlag } from './editUrl';

describe('edit flag in the URL', () => {
  it('is set as a bare flag after the view state, and removed again', () => {
    expect(withEditFlag('?from=now-1h&to=now', true)).toBe('?from=now-1h&to=now&edit');
    expect(withEditFlag('', true)).toBe('?edit');
    expect(isEditing('?from=now-1h&edit')).toBe(true);
    expect(withEditFlag('?from=now-1h&edit', false)).toBe('?from=now-1h');
    expect(withEditFlag('?edit', false)).toBe('');
    expect(isEditing('?from=now-1h')).toBe(false);
  });
});
