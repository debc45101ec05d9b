// How series differ: a colour-blind-safe palette (Okabe and Ito's eight colours, the brand violet
// in place of their black) and, because colour alone must not carry meaning, a dash pattern per
// series. Colours are moved until they reach 3:1 against the panel background (WCAG's minimum
// for graphics), so the same palette works on the dark and the light theme.

import { readableOn } from '../format/color';
import type { ThemeName } from '../app/theme';

const OKABE_ITO = ['#56B4E9', '#E69F00', '#009E73', '#F0E442', '#CC79A7', '#D55E00', '#0072B2', '#A78BFA'];

// Solid first: one series reads as a plain line; the others differ by rhythm as well as hue.
const DASHES: number[][] = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 4], [16, 4], [6, 2, 2, 2]];

export const PANEL_BACKGROUND: Record<ThemeName, string> = {
  dark: '#111111',
  light: '#FFFFFF',
};

export interface SeriesStyle {
  color: string;
  dash: number[];
}

export function seriesStyle(index: number, theme: ThemeName): SeriesStyle {
  const base = OKABE_ITO[index % OKABE_ITO.length] ?? '#888888';
  // After the first lap of colours, dashes shift by one so pairs (colour, dash) stay unique.
  const lap = Math.floor(index / OKABE_ITO.length);
  return {
    color: readableOn(base, PANEL_BACKGROUND[theme], 3),
    dash: DASHES[(index + lap) % DASHES.length] ?? [],
  };
}

/** A threshold or mapping colour, readable as text on the panel (4.5:1). */
export function statusTextColor(color: string, theme: ThemeName): string {
  return readableOn(color, PANEL_BACKGROUND[theme], 4.5);
}

/** A threshold colour as a filled shape (3:1). */
export function statusFillColor(color: string, theme: ThemeName): string {
  return readableOn(color, PANEL_BACKGROUND[theme], 3);
}

/** Colours of a chart's frame (axes, grid, crosshair) per theme; series use seriesStyle. */
export const CHART_THEME: Record<
  ThemeName,
  { axis: string; grid: string; cursor: string; selection: string }
> = {
  dark: { axis: '#A1A1AA', grid: '#232326', cursor: '#71717A', selection: 'rgba(124, 58, 237, 0.18)' },
  light: { axis: '#52525B', grid: '#E4E4E7', cursor: '#A1A1AA', selection: 'rgba(124, 58, 237, 0.14)' },
};

/** A colour with an opacity, for fills under lines. */
export function withAlpha(hex: string, alpha: number): string {
  const digits = hex.replace('#', '');
  const [r, g, b] = [0, 2, 4].map((start) => parseInt(digits.slice(start, start + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${Math.min(Math.max(alpha, 0), 1)})`;
}
