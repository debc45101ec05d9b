// Colours as data: parsing what dashboards write (hex, rgb(), Grafana's names), WCAG contrast,
// and a colour's meaning, so that a threshold step can also be named and drawn as a shape.

export type Rgb = [number, number, number];

// Grafana's named colours, mapped onto this UI's palette (USERS.md): imported dashboards say
// "green" or "semi-dark-red" and get the same hues as ours.
const NAMED: Record<string, string> = {
  green: '#10B981',
  red: '#EF4444',
  orange: '#F59E0B',
  yellow: '#F59E0B',
  blue: '#3B82F6',
  purple: '#7C3AED',
  text: '#A0A0A8',
  transparent: '#808080',
  white: '#FFFFFF',
  black: '#000000',
};

export function parseColor(text: string): Rgb | null {
  const value = text.trim().toLowerCase();
  const base = value.replace(/^(super-light|light|semi-dark|dark)-/, '');
  if (NAMED[base]) return parseColor(NAMED[base]);
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})(?:[0-9a-f]{2})?$/.exec(value);
  if (hex?.[1]) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1];
    return [0, 2, 4].map((start) => parseInt(digits.slice(start, start + 2), 16)) as Rgb;
  }
  const rgb = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(value);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return null;
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b]
    .map((c) =>
      Math.round(Math.min(Math.max(c, 0), 255))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`.toUpperCase();
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG 2.1 contrast ratio of two colours (1 to 21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function mix(color: Rgb, toward: Rgb, amount: number): Rgb {
  return color.map((c, i) => c + ((toward[i] ?? 0) - c) * amount) as Rgb;
}

/**
 * The colour moved toward black or white (whichever the background is far from) just enough to
 * reach `ratio` against the background: status colours stay recognisable and stay readable.
 */
export function readableOn(color: string, background: string, ratio = 4.5): string {
  const rgb = parseColor(color);
  const bg = parseColor(background);
  if (!rgb || !bg) return color;
  if (contrast(rgb, bg) >= ratio) return toHex(rgb);
  const toward: Rgb = luminance(bg) > 0.5 ? [0, 0, 0] : [255, 255, 255];
  for (let step = 1; step <= 40; step += 1) {
    // Judged after rounding to a hex colour: that is the colour actually drawn.
    const candidate = toHex(mix(rgb, toward, step / 40));
    if (contrast(parseColor(candidate) ?? toward, bg) >= ratio) return candidate;
  }
  return toHex(toward);
}

/** Black or white text, whichever reads better on a filled background. */
export function textOn(background: string): string {
  const bg = parseColor(background);
  if (!bg) return '#FFFFFF';
  return contrast([255, 255, 255], bg) >= contrast([0, 0, 0], bg) ? '#FFFFFF' : '#000000';
}

export type Status = 'ok' | 'warning' | 'critical' | 'info' | 'neutral';

export const STATUS_TEXT: Record<Status, string> = {
  ok: 'OK',
  warning: 'Warning',
  critical: 'Critical',
  info: 'Info',
  neutral: 'Normal',
};

/** What a threshold colour means, read from its hue: red is critical, amber a warning, ... */
export function statusOf(color: string | undefined): Status {
  const rgb = color ? parseColor(color) : null;
  if (!rgb) return 'neutral';
  const [r, g, b] = rgb.map((c) => c / 255) as Rgb;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const saturation = max === 0 ? 0 : (max - min) / max;
  if (saturation < 0.25 || max - min < 0.1) return 'neutral';
  let hue: number;
  if (max === r) hue = ((g - b) / (max - min) + 6) % 6;
  else if (max === g) hue = (b - r) / (max - min) + 2;
  else hue = (r - g) / (max - min) + 4;
  hue *= 60;
  if (hue < 18 || hue >= 330) return 'critical';
  if (hue < 70) return 'warning';
  if (hue < 170) return 'ok';
  return 'info';
}
