// The gauge's arc: 240 degrees, open at the bottom. Angles are degrees clockwise from 12 o'clock.

export const START_ANGLE = -120;
export const END_ANGLE = 120;

export function pointAt(cx: number, cy: number, radius: number, angle: number): [number, number] {
  const radians = (angle * Math.PI) / 180;
  return [cx + radius * Math.sin(radians), cy - radius * Math.cos(radians)];
}

/** An SVG path along the circle from one angle to another (clockwise). */
export function arcPath(cx: number, cy: number, radius: number, from: number, to: number): string {
  const [x0, y0] = pointAt(cx, cy, radius, from);
  const [x1, y1] = pointAt(cx, cy, radius, to);
  const large = to - from > 180 ? 1 : 0;
  return `M${x0.toFixed(2)},${y0.toFixed(2)}A${radius},${radius} 0 ${large} 1 ${x1.toFixed(2)},${y1.toFixed(2)}`;
}

/** Where a value falls on the arc, clamped to its ends. */
export function angleOf(value: number, min: number, max: number): number {
  const share = max > min ? (value - min) / (max - min) : 0;
  return START_ANGLE + Math.min(Math.max(share, 0), 1) * (END_ANGLE - START_ANGLE);
}

/** The scale of a gauge: the field's min and max, else what the unit implies. */
export function gaugeBounds(
  unit: string | undefined,
  min: number | undefined,
  max: number | undefined,
  values: number[],
): [number, number] {
  const low = min ?? 0;
  if (max !== undefined) return [low, max];
  if (unit === 'percentunit') return [low, 1];
  if (unit === 'percent') return [low, 100];
  const highest = Math.max(...values, low);
  return [low, highest > low ? highest : low + 1];
}
