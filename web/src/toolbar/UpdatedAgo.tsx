import { useEffect, useState } from 'preact/hooks';

function ago(seconds: number): string {
  if (seconds < 2) return 'just now';
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** "Updated 4 s ago", counting by itself (it re-renders alone, once a second). */
export function UpdatedAgo({ computedAt, refreshing }: { computedAt: number | null; refreshing: boolean }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (computedAt === null) return <span class="updated muted">{refreshing ? 'Loading…' : ''}</span>;
  const seconds = Math.max(0, Math.round((now - computedAt) / 1000));
  return (
    <span class="updated muted" title={new Date(computedAt).toLocaleString()}>
      {refreshing && <span class="spinner" aria-hidden="true" />}
      Updated <time dateTime={new Date(computedAt).toISOString()}>{ago(seconds)}</time>
    </span>
  );
}
