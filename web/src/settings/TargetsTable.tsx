import type { ScrapeTarget } from '../api/system';
import { StatusBadge } from '../panels/StatusBadge';
import type { Status } from '../format/color';

const HEALTH: Record<ScrapeTarget['health'], Status> = { up: 'ok', down: 'critical', unknown: 'neutral' };

function secondsText(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
}

export function TargetsTable({ targets }: { targets: ScrapeTarget[] }) {
  if (!targets.length) return <p class="muted">No scrape targets are configured (scrape_configs).</p>;
  return (
    <table class="data-table settings-table">
      <caption class="sr-only">Scrape targets</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Endpoint</th>
          <th scope="col">State</th>
          <th scope="col">Last scrape</th>
          <th scope="col" class="numeric">
            Duration
          </th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {targets.map((target) => (
          <tr key={`${target.scrapePool} ${target.scrapeUrl}`}>
            <td>{target.scrapePool}</td>
            <th scope="row">{target.scrapeUrl}</th>
            <td>
              <StatusBadge status={HEALTH[target.health]} />
              <span class="sr-only"> ({target.health})</span>
            </td>
            <td>
              {target.lastScrape.startsWith('0001') ? 'never' : new Date(target.lastScrape).toLocaleString()}
            </td>
            <td class="numeric">{secondsText(target.lastScrapeDuration)}</td>
            <td>{target.lastError || '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
