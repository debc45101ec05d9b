import { describe, expect, it } from 'vitest';
import { exportFileName } from './download';

describe('exportFileName', () => {
  it('names the panel and its range in UTC, with characters every file system takes', () => {
    const range: [number, number] = [Date.UTC(2024, 2, 15, 12, 0, 30), Date.UTC(2024, 2, 15, 13, 5)];
    expect(exportFileName('API latency: P50 / P95', range, 'csv')).toBe(
      'api-latency-p50-p95_20240315T1200Z-20240315T1305Z.csv',
    );
    expect(exportFileName('Ünïcode ✓', range, 'png')).toMatch(/^unicode_/);
    expect(exportFileName('', range, 'png')).toMatch(/^panel_/);
  });
});
