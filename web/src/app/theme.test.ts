import { describe, expect, it } from 'vitest';
import { linkedTheme } from './theme';

describe('linkedTheme', () => {
  it("reads a link's theme, and nothing else", () => {
    expect(linkedTheme('?from=now-1h&theme=light')).toBe('light');
    expect(linkedTheme('?theme=dark')).toBe('dark');
    expect(linkedTheme('?theme=neon')).toBeNull();
    expect(linkedTheme('')).toBeNull();
  });
});
