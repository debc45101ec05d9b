import { describe, expect, it } from 'vitest';
import { defaultPaper, pageRule, paperParam, paperRowHeight, parsePaper, printableArea } from './printPaper';

const A4_LANDSCAPE = { size: 'a4', orientation: 'landscape' } as const;

describe('paper', () => {
  it('defaults to Letter in the US and Canada, A4 elsewhere, landscape', () => {
    expect(defaultPaper('en-US')).toEqual({ size: 'letter', orientation: 'landscape' });
    expect(defaultPaper('fr-CA').size).toBe('letter');
    expect(defaultPaper('de-DE')).toEqual(A4_LANDSCAPE);
  });

  it('reads the print parameter, keeping the fallback for what it leaves out', () => {
    expect(parsePaper('letter-portrait', A4_LANDSCAPE)).toEqual({ size: 'letter', orientation: 'portrait' });
    expect(parsePaper('letter', A4_LANDSCAPE)).toEqual({ size: 'letter', orientation: 'landscape' });
    expect(parsePaper('', A4_LANDSCAPE)).toEqual(A4_LANDSCAPE);
    expect(parsePaper(paperParam({ size: 'a4', orientation: 'portrait' }), A4_LANDSCAPE).orientation).toBe(
      'portrait',
    );
  });

  it('sizes the page and its printable area in CSS pixels', () => {
    expect(pageRule(A4_LANDSCAPE)).toBe('@page { size: A4 landscape; margin: 10mm; }');
    expect(printableArea(A4_LANDSCAPE)).toEqual({ width: 1046, height: 718 });
    expect(printableArea({ size: 'letter', orientation: 'portrait' })).toEqual({ width: 740, height: 980 });
  });

  it('scales the grid row with the width', () => {
    expect(paperRowHeight(A4_LANDSCAPE)).toBeCloseTo((30 * 1046) / 1416, 1);
  });
});
