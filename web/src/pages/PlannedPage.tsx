import type { ComponentChildren } from 'preact';

/** A screen that is planned: its heading, what it will hold, and where to go meanwhile. */
export function PlannedPage({
  title,
  summary,
  children,
}: {
  title: string;
  summary: string;
  children: ComponentChildren;
}) {
  return (
    <article class="planned-page">
      <h1>{title}</h1>
      <p class="lead">{summary}</p>
      <section aria-labelledby="planned-heading">
        <h2 id="planned-heading">What this screen will hold</h2>
        <ul>{children}</ul>
      </section>
      <p class="muted">This screen is not built yet. The dashboards on the home page work today.</p>
    </article>
  );
}
