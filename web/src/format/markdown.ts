// A small Markdown subset for text panels, rendered to HTML that is safe to insert: every piece
// of the source is escaped, and only the tags written here are produced. Headings, paragraphs,
// lists, fenced code, links (http, https, mailto and relative only), bold, italic, inline code.

export interface MarkdownOptions {
  /** Added to heading levels: a panel's "# Title" must not compete with the page's h1. */
  headingOffset?: number;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

// A token no source text can hold (NUL is removed from the source first).
const TOKEN = /\u0000(\d+)\u0000/g;
const HAS_TOKEN = /\u0000\d+\u0000/;
const SAFE_ABSOLUTE = /^(https?:\/\/|mailto:)/i;
const SAFE_RELATIVE = /^(\/|#|\?|\.{1,2}\/)/;
const PLAIN_PATH = /^[\w\-./?=&%#~+]+$/;

/** Links go to the web or within this site: never javascript:, data: or any other scheme. */
export function isSafeUrl(url: string): boolean {
  if (/[\u0000-\u0020\u007f]/.test(url)) return false;
  if (SAFE_ABSOLUTE.test(url) || SAFE_RELATIVE.test(url)) return true;
  return PLAIN_PATH.test(url) && !url.includes(':');
}

function renderInline(source: string): string {
  const kept: string[] = [];
  const keep = (html: string): string => `\u0000${kept.push(html) - 1}\u0000`;
  let text = source.replace(/`([^`]+)`/g, (_, code: string) => keep(`<code>${escapeHtml(code)}</code>`));
  text = text.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) =>
    isSafeUrl(url) ? keep(`<a href="${escapeHtml(url)}">${renderEmphasis(escapeHtml(label))}</a>`) : whole,
  );
  text = renderEmphasis(escapeHtml(text));
  // Restore kept pieces; a piece may itself hold kept pieces (a link around code).
  while (HAS_TOKEN.test(text)) text = text.replace(TOKEN, (_, index: string) => kept[Number(index)] ?? '');
  return text;
}

function renderEmphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(\S(?:.*?\S)?)\*\*/g, '<strong>$1</strong>')
    .replace(/__(\S(?:.*?\S)?)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*(\S(?:[^*]*?\S)?)\*(?!\*)/g, '$1<em>$2</em>');
}

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'code'; lines: string[] };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const FENCE = /^\s*```/;

function parseBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source
    .replace(/\u0000/g, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (FENCE.test(line)) {
      const code: string[] = [];
      index += 1;
      while (index < lines.length && !FENCE.test(lines[index] ?? '')) code.push(lines[index++] ?? '');
      blocks.push({ kind: 'code', lines: code });
      index += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = NUMBERED.exec(line);
    const last = blocks[blocks.length - 1];
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]?.length ?? 1, text: heading[2] ?? '' });
    } else if (bullet || numbered) {
      const ordered = !bullet;
      const item = (bullet ?? numbered)?.[1] ?? '';
      if (last?.kind === 'list' && last.ordered === ordered) last.items.push(item);
      else blocks.push({ kind: 'list', ordered, items: [item] });
    } else if (!line.trim()) {
      blocks.push({ kind: 'paragraph', lines: [] }); // a blank line ends what came before
    } else if (last?.kind === 'paragraph' && last.lines.length) {
      last.lines.push(line.trim());
    } else {
      blocks.push({ kind: 'paragraph', lines: [line.trim()] });
    }
    index += 1;
  }
  return blocks.filter((block) => block.kind !== 'paragraph' || block.lines.length);
}

export function renderMarkdown(source: string, options: MarkdownOptions = {}): string {
  const offset = options.headingOffset ?? 0;
  return parseBlocks(source)
    .map((block) => {
      switch (block.kind) {
        case 'heading': {
          const level = Math.min(block.level + offset, 6);
          return `<h${level}>${renderInline(block.text)}</h${level}>`;
        }
        case 'list': {
          const tag = block.ordered ? 'ol' : 'ul';
          return `<${tag}>${block.items.map((item) => `<li>${renderInline(item)}</li>`).join('')}</${tag}>`;
        }
        case 'code':
          return `<pre><code>${escapeHtml(block.lines.join('\n'))}</code></pre>`;
        case 'paragraph':
          return `<p>${renderInline(block.lines.join(' '))}</p>`;
      }
    })
    .join('\n');
}
