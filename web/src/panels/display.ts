// One frame's value as a panel shows it: formatted in its unit, its mapped text, and the colour
// and status of its threshold step.

import type { FieldDefaults, Frame } from '../api/types';
import type { ThemeName } from '../app/theme';
import { statusOf, type Status } from '../format/color';
import { formatValue, type Formatted } from '../format/units';
import { shownValue } from './describe';
import { statusFillColor, statusTextColor } from './seriesStyle';

export interface DisplayValue {
  value: number | null;
  formatted: Formatted;
  /** The threshold or mapping colour as the server named it, if any. */
  color?: string;
  /** Readable versions of it on the panel (text 4.5:1, shapes 3:1). */
  textColor?: string;
  fillColor?: string;
  /** The step's meaning; null where the panel has no thresholds (nothing to judge). */
  status: Status | null;
}

export function displayValue(
  frame: Frame | undefined,
  defaults: FieldDefaults,
  theme: ThemeName,
): DisplayValue {
  const value = frame ? shownValue(frame) : null;
  const mapped = frame?.reduced?.text;
  const formatted: Formatted =
    mapped !== undefined
      ? { prefix: '', text: mapped, suffix: '' }
      : value === null
        ? { prefix: '', text: defaults.noValue ?? 'No data', suffix: '' }
        : withoutZeroFraction(formatValue(value, defaults.unit, defaults.decimals));
  const color =
    frame?.reduced?.color ?? (defaults.color?.mode === 'fixed' ? defaults.color.fixedColor : undefined);
  const judged = frame?.reduced?.thresholdIndex !== undefined || frame?.reduced?.text !== undefined;
  return {
    value,
    formatted,
    ...(color
      ? { color, textColor: statusTextColor(color, theme), fillColor: statusFillColor(color, theme) }
      : {}),
    status: judged && color && value !== null ? statusOf(color) : null,
  };
}

/**
 * One number on its own reads "100%", not "100.00%": the given decimals stay where they carry
 * digits ("99.98%"). Columns of numbers (tables, legends) keep them, to stay aligned.
 */
function withoutZeroFraction(formatted: Formatted): Formatted {
  return { ...formatted, text: formatted.text.replace(/^(-?\d+)\.0+$/, '$1') };
}

/** The text of a display value, prefix and suffix included. */
export function displayText(display: DisplayValue): string {
  const { prefix, text, suffix } = display.formatted;
  return `${prefix}${text}${suffix}`;
}
