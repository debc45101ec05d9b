// Saving what the browser made as a file, and naming it.

/** Hands `blob` to the browser's downloads as `name`. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started; a later tick is soon enough to let go.
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '').slice(0, 13) + 'Z';
}

/** "api-latency-p95_20240315T1200Z-20240315T1300Z.csv": what and when, safe on every system. */
export function exportFileName(title: string, [fromMs, toMs]: [number, number], extension: string): string {
  const slug =
    title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '') // accents off their letters: "é" is "e"
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'panel';
  return `${slug}_${compactUtc(fromMs)}-${compactUtc(toMs)}.${extension}`;
}
