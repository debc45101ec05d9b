import { useMemo } from 'preact/hooks';
import { renderMarkdown } from '../format/markdown';
import type { PanelProps } from './types';

/**
 * Markdown, rendered by the UI's own safe subset. Grafana's "html" mode is shown the same way:
 * raw HTML from a dashboard document is never inserted as it is.
 */
export function TextPanel({ panel }: PanelProps) {
  const content = typeof panel.options?.content === 'string' ? panel.options.content : '';
  // Panel titles are h3: headings inside a panel start at h4.
  const html = useMemo(() => renderMarkdown(content, { headingOffset: 3 }), [content]);
  if (!content.trim()) return <p class="empty-state">This text panel is empty.</p>;
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
