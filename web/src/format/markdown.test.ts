import { describe, expect, it } from 'vitest';
import { escapeHtml, isSafeUrl, renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders headings, paragraphs and lists', () => {
    expect(renderMarkdown('# Title\n\nFirst line\ncontinues.\n\n- one\n- two\n\n1. a\n2. b')).toBe(
      '<h1>Title</h1>\n<p>First line continues.</p>\n<ul><li>one</li><li>two</li></ul>\n<ol><li>a</li><li>b</li></ol>',
    );
  });

  it('shifts heading levels below the page headings', () => {
    expect(renderMarkdown('# A\n###### B', { headingOffset: 2 })).toBe('<h3>A</h3>\n<h6>B</h6>');
  });

  it('renders bold, italic, inline code and links', () => {
    expect(renderMarkdown('**Bold** and *it* and `x < y` and [docs](https://example.org/a?b=1&c=2)')).toBe(
      '<p><strong>Bold</strong> and <em>it</em> and <code>x &lt; y</code> and <a href="https://example.org/a?b=1&amp;c=2">docs</a></p>',
    );
  });

  it('keeps code blocks verbatim and escaped', () => {
    expect(renderMarkdown('```\n<b>**not bold**</b>\n```')).toBe(
      '<pre><code>&lt;b&gt;**not bold**&lt;/b&gt;</code></pre>',
    );
  });

  it('escapes every HTML the source holds', () => {
    const html = renderMarkdown('<script>alert(1)</script> <img src=x onerror="alert(1)">');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&quot;alert(1)&quot;');
  });

  it('writes unsafe links as text', () => {
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,x', 'vbscript:x']) {
      const html = renderMarkdown(`[click](${url})`);
      expect(html).not.toContain('<a');
      expect(html).toContain('[click]');
    }
  });

  it('cannot break out of a link attribute', () => {
    const html = renderMarkdown('[x](/a"onmouseover="alert(1))');
    expect(html).not.toMatch(/href="[^"]*"onmouseover/);
  });

  it('ignores NUL characters instead of treating them as its own markers', () => {
    expect(renderMarkdown('a\u00000\u0000b')).toBe('<p>a0b</p>');
  });
});

describe('isSafeUrl', () => {
  it('accepts the web, mail and this site', () => {
    for (const url of [
      'https://x.org',
      'http://x',
      'mailto:a@b.c',
      '/d/ops',
      '#top',
      '?a=1',
      './x',
      'd/ops',
    ]) {
      expect(isSafeUrl(url)).toBe(true);
    }
  });

  it('refuses other schemes and control characters', () => {
    for (const url of ['javascript:x', 'ftp://x', '\u0001javascript:x', 'java\tscript:x', 'a:b']) {
      expect(isSafeUrl(url)).toBe(false);
    }
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters HTML gives meaning to', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
