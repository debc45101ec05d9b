// Paper for the print view (?print=a4-landscape): its @page rule, and the width in CSS pixels
// the dashboard is laid out at, so that what is drawn on screen is what goes on paper (charts
// drawn on canvases cannot redraw for print).

export type PaperSize = 'a4' | 'letter';
export type Orientation = 'landscape' | 'portrait';

export interface Paper {
  size: PaperSize;
  orientation: Orientation;
}

const CSS_PX_PER_MM = 96 / 25.4;
const MARGIN_MM = 10;
const SIZES_MM: Record<PaperSize, [short: number, long: number]> = {
  a4: [210, 297],
  letter: [215.9, 279.4],
};

/** A grid row on screen is 30 px at this width (a 1440 px window); on paper it scales with the width. */
const SCREEN_GRID_WIDTH = 1416;
const SCREEN_ROW_PX = 30;

/** US and Canadian locales print on Letter, others on A4. */
export function defaultPaper(language: string): Paper {
  return { size: /-(US|CA)$/i.test(language) ? 'letter' : 'a4', orientation: 'landscape' };
}

/** The paper a `print` parameter names ("a4", "letter-portrait"); `fallback` for what it leaves out. */
export function parsePaper(text: string | null, fallback: Paper): Paper {
  const [size, orientation] = (text ?? '').toLowerCase().split('-');
  return {
    size: size === 'a4' || size === 'letter' ? size : fallback.size,
    orientation:
      orientation === 'portrait' || orientation === 'landscape' ? orientation : fallback.orientation,
  };
}

export function paperParam(paper: Paper): string {
  return `${paper.size}-${paper.orientation}`;
}

function pageMm(paper: Paper): [width: number, height: number] {
  const [short, long] = SIZES_MM[paper.size];
  return paper.orientation === 'landscape' ? [long, short] : [short, long];
}

export function pageRule(paper: Paper): string {
  const name = paper.size === 'a4' ? 'A4' : 'letter';
  return `@page { size: ${name} ${paper.orientation}; margin: ${MARGIN_MM}mm; }`;
}

/** The printable area in CSS pixels (whole pixels, rounded down so nothing spills over). */
export function printableArea(paper: Paper): { width: number; height: number } {
  const [width, height] = pageMm(paper).map((mm) => Math.floor((mm - 2 * MARGIN_MM) * CSS_PX_PER_MM));
  return { width: width ?? 0, height: height ?? 0 };
}

/** The grid's row height on paper: the screen's, scaled as the width is. */
export function paperRowHeight(paper: Paper): number {
  return Math.round(((SCREEN_ROW_PX * printableArea(paper).width) / SCREEN_GRID_WIDTH) * 10) / 10;
}
