// An element as a picture: what the viewer sees of it painted onto a canvas at the screen's
// pixel ratio. Panels are made of few things, and this paints those: background colours and
// simple gradients, canvases (uPlot, the heatmap), SVGs (gauges, pies, sparklines, icons) and
// text, clipped where the page clips them. It is not a general HTML renderer.

import { svgImage } from './rasterSvg';

interface PaintOptions {
  /** Elements matching this selector are left out, with what they hold. */
  skip: string;
  ratio: number;
}

type Operation = (ctx: CanvasRenderingContext2D) => void;

interface Painter {
  operations: (Operation | Promise<Operation>)[];
  origin: DOMRect;
  skip: string;
}

function isTransparent(color: string): boolean {
  return color === 'transparent' || /rgba\(.*,\s*0\)$/.test(color);
}

function radiusOf(style: CSSStyleDeclaration): number {
  return parseFloat(style.borderTopLeftRadius) || 0;
}

/** A computed `linear-gradient(to right, ...)` as a canvas gradient (other gradients: null). */
function horizontalGradient(
  ctx: CanvasRenderingContext2D,
  image: string,
  left: number,
  width: number,
): CanvasGradient | null {
  if (!image.startsWith('linear-gradient(to right')) return null;
  const colors = image.match(/rgba?\([^)]*\)/g) ?? [];
  if (colors.length < 2) return null;
  const gradient = ctx.createLinearGradient(left, 0, left + width, 0);
  colors.forEach((color, index) => gradient.addColorStop(index / (colors.length - 1), color));
  return gradient;
}

function fillBox(painter: Painter, style: CSSStyleDeclaration, box: DOMRect): void {
  const image = style.backgroundImage;
  const color = style.backgroundColor;
  if (isTransparent(color) && !image.startsWith('linear-gradient')) return;
  const [x, y] = [box.left - painter.origin.left, box.top - painter.origin.top];
  const radius = radiusOf(style);
  painter.operations.push((ctx) => {
    ctx.fillStyle = horizontalGradient(ctx, image, x, box.width) ?? color;
    ctx.beginPath();
    ctx.roundRect(x, y, box.width, box.height, Math.min(radius, box.height / 2));
    ctx.fill();
  });
}

interface TextLine {
  start: number;
  end: number;
  box: DOMRect;
}

/** Words of a text node grouped into the lines the browser broke them into. */
function textLines(node: Text): TextLine[] {
  const range = document.createRange();
  range.selectNodeContents(node);
  if (range.getClientRects().length <= 1) {
    const box = range.getBoundingClientRect();
    return box.width > 0 ? [{ start: 0, end: node.length, box }] : [];
  }
  const lines: TextLine[] = [];
  let offset = 0;
  for (const word of node.data.split(/(?<=\s)/)) {
    range.setStart(node, offset);
    range.setEnd(node, offset + word.length);
    const box = range.getBoundingClientRect();
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.box.top - box.top) < 2) last.end = offset + word.length;
    else if (box.width > 0) lines.push({ start: offset, end: offset + word.length, box });
    offset += word.length;
  }
  return lines;
}

/** Each character with its box on the page: the page's own spacing (tabular digits, letter-spacing). */
function placedCharacters(node: Text, line: TextLine): { character: string; box: DOMRect }[] {
  const range = document.createRange();
  const placed: { character: string; box: DOMRect }[] = [];
  let index = line.start;
  for (const character of node.data.slice(line.start, line.end)) {
    range.setStart(node, index);
    range.setEnd(node, index + character.length);
    placed.push({ character, box: range.getBoundingClientRect() });
    index += character.length;
  }
  return placed;
}

function paintText(painter: Painter, node: Text, style: CSSStyleDeclaration, parentBox: DOMRect): void {
  if (!node.data.trim()) return;
  const cut = style.textOverflow === 'ellipsis';
  const upper = style.textTransform === 'uppercase';
  const font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  for (const line of textLines(node)) {
    const raw = node.data.slice(line.start, line.end);
    const text = upper ? raw.toUpperCase() : raw;
    const x = line.box.left - painter.origin.left;
    const y = line.box.top - painter.origin.top + line.box.height / 2;
    const room = parentBox.right - line.box.left;
    // Measured now, placed later: the canvas lacks some of the page's typography (tabular
    // digits), so text that would not land where the page put it goes character by character.
    const characters = placedCharacters(node, line);
    painter.operations.push((ctx) => {
      ctx.font = font;
      ctx.fillStyle = style.color;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      if (cut && ctx.measureText(text).width > room + 0.5) {
        ctx.fillText(ellipsized(ctx, text, room), x, y);
      } else if (Math.abs(ctx.measureText(text).width - line.box.width) <= 1) {
        ctx.fillText(text, x, y);
      } else {
        // Centred in its box, as a tabular digit sits in its fixed advance.
        for (const { character, box } of characters) {
          const shown = upper ? character.toUpperCase() : character;
          const inset = (box.width - ctx.measureText(shown).width) / 2;
          ctx.fillText(shown, box.left - painter.origin.left + inset, y);
        }
      }
    });
  }
}

function ellipsized(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width + 0.5) return text;
  let end = text.length;
  while (end > 0 && ctx.measureText(`${text.slice(0, end)}…`).width > width) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

function walk(painter: Painter, element: Element, alpha: number): void {
  if (element.matches(painter.skip)) return;
  const style = getComputedStyle(element);
  if (style.display === 'none' || style.visibility === 'hidden') return;
  const opacity = alpha * Number(style.opacity || 1);
  if (opacity <= 0) return;
  const box = element.getBoundingClientRect();
  const x = box.left - painter.origin.left;
  const y = box.top - painter.origin.top;

  painter.operations.push((ctx) => {
    ctx.save();
    ctx.globalAlpha = opacity;
  });
  fillBox(painter, style, box);
  if (element instanceof HTMLCanvasElement) {
    painter.operations.push((ctx) => ctx.drawImage(element, x, y, box.width, box.height));
  } else if (element instanceof SVGSVGElement) {
    if (box.width >= 1 && box.height >= 1) {
      painter.operations.push(
        svgImage(element, box.width, box.height).then(
          (image): Operation =>
            (ctx) =>
              ctx.drawImage(image, x, y, box.width, box.height),
        ),
      );
    }
  } else {
    const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible';
    if (clips) {
      painter.operations.push((ctx) => {
        ctx.beginPath();
        ctx.rect(x, y, box.width, box.height);
        ctx.clip();
      });
    }
    for (const child of element.childNodes) {
      if (child instanceof Text) paintText(painter, child, style, box);
      else if (child instanceof Element) walk(painter, child, opacity);
    }
  }
  painter.operations.push((ctx) => ctx.restore());
}

/** `root` painted on a new canvas of its size times `ratio`, on `background`. */
export async function paintElement(
  root: HTMLElement,
  background: string,
  { skip, ratio }: PaintOptions,
): Promise<HTMLCanvasElement> {
  const origin = root.getBoundingClientRect();
  const painter: Painter = { operations: [], origin, skip };
  walk(painter, root, 1);
  const operations = await Promise.all(painter.operations);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(origin.width * ratio);
  canvas.height = Math.round(origin.height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, origin.width, origin.height);
  for (const operation of operations) operation(ctx);
  return canvas;
}
