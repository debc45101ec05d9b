import { Link } from '../app/Link';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <div class="page-message">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>.
      </p>
      <p>
        <Link href="/">Go to the home dashboard</Link>
      </p>
    </div>
  );
}
