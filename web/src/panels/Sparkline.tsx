import type { Frame } from '../api/types';

/** A small area chart of a frame's values, drawn behind a stat's number (decorative). */
export function Sparkline({
  frame,
  color,
  width,
  height,
}: {
  frame: Frame;
  color: string;
  width: number;
  height: number;
}) {
  const points = frame.timestamps
    .map((timestamp, index) => [timestamp, frame.values[index]] as const)
    .filter(
      (point): point is readonly [number, number] =>
        point[1] !== null && point[1] !== undefined && Number.isFinite(point[1]),
    );
  if (points.length < 2 || width < 10 || height < 4) return null;
  const [t0, t1] = [points[0]![0], points[points.length - 1]![0]];
  const values = points.map((point) => point[1]);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const x = (t: number): number => ((t - t0) / Math.max(t1 - t0, 1)) * width;
  const y = (v: number): number => height - 1 - ((v - low) / (high - low || 1)) * (height - 2);
  const line = points.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      aria-hidden="true"
      preserveAspectRatio="none"
    >
      <path d={`${line}L${width},${height}L0,${height}Z`} fill={color} fill-opacity="0.14" />
      <path d={line} fill="none" stroke={color} stroke-width="1.5" stroke-opacity="0.85" />
    </svg>
  );
}
