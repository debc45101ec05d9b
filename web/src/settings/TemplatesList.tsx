import { useState } from 'preact/hooks';
import { recreateTemplate, type TemplateSummary } from '../api/system';
import { Link } from '../app/Link';

/** The built-in dashboards, each re-creatable as shipped (after people edited it). */
export function TemplatesList({ templates }: { templates: TemplateSummary[] }) {
  const [message, setMessage] = useState('');

  async function recreate(template: TemplateSummary) {
    if (!window.confirm(`Save "${template.title}" as shipped as its newest version?`)) return;
    try {
      await recreateTemplate(template.uid);
      setMessage(`"${template.title}" was re-created; its earlier versions stay in its history.`);
    } catch (error) {
      setMessage(
        `"${template.title}" could not be re-created: ${error instanceof Error ? error.message : error}`,
      );
    }
  }

  return (
    <>
      <ul class="settings-list">
        {templates.map((template) => (
          <li key={template.uid} class="settings-template">
            <div>
              <Link href={`/d/${encodeURIComponent(template.uid)}`}>{template.title}</Link>
              <p class="muted">{template.description}</p>
            </div>
            <button type="button" class="control" onClick={() => void recreate(template)}>
              Re-create<span class="sr-only"> {template.title}</span>
            </button>
          </li>
        ))}
      </ul>
      <p role="status" class="muted">
        {message}
      </p>
    </>
  );
}
