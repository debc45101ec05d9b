// A series' display name, as the server names frames (pulseboard/dashboards/panel_data.py):
// the legend format with {{label}} filled in, else the series selector.

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

export function legendName(labels: Record<string, string>, legendFormat = ''): string {
  if (legendFormat && legendFormat !== '__auto') {
    return legendFormat.replace(PLACEHOLDER, (_, name: string) => labels[name] ?? '');
  }
  const { __name__: metric = '', ...rest } = labels;
  const inner = Object.keys(rest)
    .sort()
    .map((key) => `${key}="${rest[key]}"`)
    .join(', ');
  if (!inner) return metric || 'value';
  return `${metric}{${inner}}`;
}

/** One text per label set, independent of key order (to match series across messages). */
export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((key) => [key, labels[key]]),
  );
}
