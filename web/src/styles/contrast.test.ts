import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrast, parseColor } from '../format/color';
import { PANEL_BACKGROUND, seriesStyle } from '../panels/seriesStyle';

const css = readFileSync(new URL('./theme.css', import.meta.url), 'utf8');

function tokens(theme: 'dark' | 'light'): Record<string, string> {
  const block = new RegExp(`\\[data-theme='${theme}'\\] \\{([^}]*)\\}`).exec(css)?.[1] ?? '';
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
}

function ratio(a: string | undefined, b: string | undefined): number {
  const [x, y] = [parseColor(a ?? ''), parseColor(b ?? '')];
  if (!x || !y) throw new Error(`not a colour: ${a} / ${b}`);
  return contrast(x, y);
}

// [foreground, background, minimum]: 4.5 for text, 3 for focus rings and control borders.
const PAIRS: [string, string, number][] = [
  ['text', 'bg', 4.5],
  ['text', 'surface', 4.5],
  ['text', 'surface-raised', 4.5],
  ['text-muted', 'bg', 4.5],
  ['text-muted', 'surface', 4.5],
  ['text-muted', 'surface-raised', 4.5],
  ['accent-text', 'bg', 4.5],
  ['accent-text', 'surface', 4.5],
  ['on-accent', 'accent', 4.5],
  ['green', 'surface', 4.5],
  ['amber', 'surface', 4.5],
  ['red', 'surface', 4.5],
  ['blue', 'surface', 4.5],
  ['focus', 'bg', 3],
  ['focus', 'surface', 3],
  ['control-border', 'surface', 3],
  ['control-border', 'bg', 3],
];

describe.each(['dark', 'light'] as const)('the %s theme', (theme) => {
  const colors = tokens(theme);

  it.each(PAIRS)('%s on %s reaches %s:1', (foreground, background, minimum) => {
    expect(ratio(colors[foreground], colors[background])).toBeGreaterThanOrEqual(minimum);
  });

  it('draws charts on the panel surface it assumes', () => {
    expect(colors.surface?.toLowerCase()).toBe(PANEL_BACKGROUND[theme].toLowerCase());
  });

  it('has series colours that stand out from the panel (3:1) and differ by dash too', () => {
    const styles = Array.from({ length: 16 }, (_, index) => seriesStyle(index, theme));
    for (const style of styles) expect(ratio(style.color, colors.surface)).toBeGreaterThanOrEqual(3);
    const pairs = new Set(styles.map((style) => `${style.color}/${style.dash.join(',')}`));
    expect(pairs.size).toBe(styles.length);
  });
});
