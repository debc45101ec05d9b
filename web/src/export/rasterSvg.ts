// An inline <svg> as an image a canvas can draw. The page's stylesheets do not reach an SVG
// loaded as an image, so every element carries its computed paint and font along; the image is
// a data: URL, which the Content-Security-Policy allows for images (blob: it does not).

const PAINT_PROPERTIES = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'letter-spacing',
];

function inlineStyles(source: Element, copy: Element): void {
  const computed = getComputedStyle(source);
  const style = PAINT_PROPERTIES.map((name) => `${name}:${computed.getPropertyValue(name)}`).join(';');
  copy.setAttribute('style', style);
  for (let index = 0; index < source.children.length; index += 1) {
    const child = source.children[index];
    const childCopy = copy.children[index];
    if (child && childCopy) inlineStyles(child, childCopy);
  }
}

/** The SVG drawn at `width` x `height` CSS pixels, ready to draw. */
export async function svgImage(svg: SVGSVGElement, width: number, height: number): Promise<HTMLImageElement> {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const image = new Image(width, height);
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`;
  await image.decode();
  return image;
}
