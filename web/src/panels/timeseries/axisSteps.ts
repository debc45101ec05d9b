// Axis steps people count time in: 15 s, 1 min, 5 min, 1 h, not 3.33 min or 16.7 min, which
// uPlot's decimal steps give a duration axis.

const SECOND_STEPS = [
  1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
  1209600, 2592000, 31536000,
];

const SCALE: Record<string, number> = { s: 1, ms: 1000, µs: 1e6, ns: 1e9 };

/** Axis increments in the unit's own numbers for duration units; undefined for others. */
export function durationSteps(unit: string | undefined): number[] | undefined {
  const scale = unit ? SCALE[unit] : undefined;
  return scale === undefined ? undefined : SECOND_STEPS.map((step) => step * scale);
}
