// Grafana's common units, formatted for people: 0.9981 percentunit -> "99.8%", 1536 bytes ->
// "1.50 KiB", 0.012 s -> "12 ms". Pure: the panels and their tests share it.

export interface Formatted {
  prefix: string;
  text: string;
  suffix: string;
}

type Formatter = (value: number, decimals: number | undefined) => Formatted;

const SHORT_SUFFIXES = ['', ' K', ' M', ' B', ' T', ' Q'];
const IEC_BYTES = [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB', ' EiB'];
const SI_BYTES = [' B', ' kB', ' MB', ' GB', ' TB', ' PB', ' EB'];
const SI_BITS_PER_SECOND = [' b/s', ' kb/s', ' Mb/s', ' Gb/s', ' Tb/s', ' Pb/s'];

// Seconds to the largest unit the value reaches, as Grafana's "s" unit does.
const DURATION_STEPS: [limit: number, size: number, suffix: string][] = [
  [1e-6, 1e-9, ' ns'],
  [1e-3, 1e-6, ' µs'],
  [1, 1e-3, ' ms'],
  [60, 1, ' s'],
  [3_600, 60, ' min'],
  [86_400, 3_600, ' hour'],
  [604_800, 86_400, ' day'],
  [31_536_000, 604_800, ' week'],
];
const YEAR_SECONDS = 31_536_000;

/** Digits after the point: the unit's given decimals, else enough for three significant ones. */
export function toFixedText(value: number, decimals: number | undefined): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  if (decimals !== undefined) return value.toFixed(Math.min(Math.max(decimals, 0), 20));
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const auto = Math.min(Math.max(2 - magnitude, 0), 6);
  const text = value.toFixed(auto);
  // Auto precision never shows zeros that carry no information ("5", not "5.00").
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function plain(suffix = ''): Formatter {
  return (value, decimals) => ({ prefix: '', text: toFixedText(value, decimals), suffix });
}

/** Divide by `base` until the value fits, and name the step reached with its suffix. */
function scaled(base: number, suffixes: string[], extra = '', prefix = ''): Formatter {
  return (value, decimals) => {
    let index = 0;
    let scaledValue = value;
    while (Math.abs(scaledValue) >= base && index < suffixes.length - 1) {
      scaledValue /= base;
      index += 1;
    }
    // A rounded 999.96 K shows as "1000 K"; move it to the next step instead.
    const text = toFixedText(scaledValue, decimals);
    if (Math.abs(Number(text)) >= base && index < suffixes.length - 1) {
      return {
        prefix,
        text: toFixedText(scaledValue / base, decimals),
        suffix: `${suffixes[index + 1]}${extra}`,
      };
    }
    return { prefix, text, suffix: `${suffixes[index]}${extra}` };
  };
}

/**
 * Decimals are the precision in the field's own unit: shown in a unit a power of ten smaller,
 * it needs that many fewer (3 decimals of a second are whole milliseconds, "250 ms" and not
 * "249.799 ms").
 */
function decimalsIn(decimals: number | undefined, fieldSize: number, shownSize: number): number | undefined {
  if (decimals === undefined || shownSize >= fieldSize) return decimals;
  return Math.max(decimals - Math.round(Math.log10(fieldSize / shownSize)), 0);
}

/** A duration in the unit of `fieldSize` seconds (1 for "s", 1e-3 for "ms"). */
function duration(fieldSize: number): Formatter {
  return (value, decimals) => {
    const secondsValue = value * fieldSize;
    const size = Math.abs(secondsValue);
    if (size === 0) return { prefix: '', text: toFixedText(0, decimals), suffix: ' s' };
    for (const [limit, unit, suffix] of DURATION_STEPS) {
      if (size < limit) {
        const text = toFixedText(secondsValue / unit, decimalsIn(decimals, fieldSize, unit));
        return { prefix: '', text, suffix };
      }
    }
    return { prefix: '', text: toFixedText(secondsValue / YEAR_SECONDS, decimals), suffix: ' year' };
  };
}

function percent(factor: number): Formatter {
  return (value, decimals) => ({
    prefix: '',
    text: toFixedText(value * factor, decimals),
    suffix: '%',
  });
}

function currency(symbol: string): Formatter {
  const scale = scaled(
    1000,
    SHORT_SUFFIXES.map((suffix) => suffix.trim()),
    '',
    symbol,
  );
  return (value, decimals) => {
    const formatted = scale(Math.abs(value), decimals ?? (Math.abs(value) < 1000 ? 2 : undefined));
    return { ...formatted, prefix: `${value < 0 ? '-' : ''}${symbol}` };
  };
}

const FORMATTERS: Record<string, Formatter> = {
  none: plain(),
  short: scaled(1000, SHORT_SUFFIXES),
  percent: percent(1),
  percentunit: percent(100),
  s: duration(1),
  ms: duration(1e-3),
  µs: duration(1e-6),
  ns: duration(1e-9),
  bytes: scaled(1024, IEC_BYTES),
  decbytes: scaled(1000, SI_BYTES),
  bps: scaled(1000, SI_BITS_PER_SECOND),
  reqps: scaled(1000, SHORT_SUFFIXES, ' req/s'),
  ops: scaled(1000, SHORT_SUFFIXES, ' ops/s'),
  currencyUSD: currency('$'),
  currencyEUR: currency('€'),
};

export const KNOWN_UNITS: readonly string[] = Object.keys(FORMATTERS);

/** One value in a Grafana unit; an unknown unit is written after the number, as Grafana does. */
export function formatValue(value: number, unit?: string, decimals?: number): Formatted {
  const formatter = unit ? FORMATTERS[unit] : FORMATTERS.short;
  if (formatter) return formatter(value, decimals);
  return { prefix: '', text: toFixedText(value, decimals), suffix: ` ${unit}` };
}

/** The same as one string: "99.8%", "$1.20 K", "12 ms". */
export function formatText(
  value: number | null | undefined,
  unit?: string,
  decimals?: number,
  noValue = 'No data',
): string {
  if (value === null || value === undefined) return noValue;
  const { prefix, text, suffix } = formatValue(value, unit, decimals);
  return `${prefix}${text}${suffix}`;
}
