// The units the unit picker offers, grouped and named as Grafana's picker names them. Each is a
// unit format/units.ts formats (unitOptions.test.ts keeps the two lists the same).

export interface UnitGroup {
  label: string;
  units: readonly (readonly [id: string, name: string])[];
}

export const UNIT_GROUPS: readonly UnitGroup[] = [
  {
    label: 'Misc',
    units: [
      ['none', 'None (1234)'],
      ['short', 'Short (1.23 K)'],
      ['percent', 'Percent (0-100)'],
      ['percentunit', 'Percent (0.0-1.0)'],
    ],
  },
  {
    label: 'Time',
    units: [
      ['s', 'Seconds (s)'],
      ['ms', 'Milliseconds (ms)'],
      ['µs', 'Microseconds (µs)'],
      ['ns', 'Nanoseconds (ns)'],
    ],
  },
  {
    label: 'Data',
    units: [
      ['bytes', 'Bytes (IEC: KiB, MiB)'],
      ['decbytes', 'Bytes (SI: kB, MB)'],
    ],
  },
  {
    label: 'Throughput',
    units: [
      ['bps', 'Bits per second (b/s)'],
      ['reqps', 'Requests per second (req/s)'],
      ['ops', 'Operations per second (ops/s)'],
    ],
  },
  {
    label: 'Currency',
    units: [
      ['currencyUSD', 'Dollars ($)'],
      ['currencyEUR', 'Euros (€)'],
    ],
  },
];

export function isOfferedUnit(unit: string): boolean {
  return UNIT_GROUPS.some((group) => group.units.some(([id]) => id === unit));
}
