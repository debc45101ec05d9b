import { useId, useState } from 'preact/hooks';
import type { Dashboard } from '../api/types';
import { useThemeName } from '../app/theme';
import { Dialog } from '../edit/Dialog';
import { useDashboardStatus, type PanelStore } from '../dashboard/panelStore';
import type { ViewState } from '../dashboard/urlState';
import { describeRange, resolveRange } from '../time/timeRange';
import { copyText } from './clipboard';
import { isRelative, shareSearch } from './shareLink';
import './share.css';
import { minuteFormat } from '../format/time';

interface Props {
  dashboard: Dashboard;
  view: ViewState;
  store: PanelStore;
  onClose(): void;
}

/** A link to the dashboard as it is seen, to copy; and its JSON, ours or Grafana's, to download. */
export function ShareDialog({ dashboard, view, store, onClose }: Props) {
  const id = useId();
  const theme = useThemeName();
  const status = useDashboardStatus(store);
  const [lockTime, setLockTime] = useState(true);
  const [withTheme, setWithTheme] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  // The moment the data on screen was computed: a locked link covers exactly what is seen.
  const [seenAt] = useState(() => status.computedAt ?? Date.now());

  const relative = isRelative(view.range);
  const resolved = Object.fromEntries(
    Object.entries(status.variables).map(([name, answer]) => [name, answer.current]),
  );
  const search = shareSearch(
    view,
    { time: dashboard.time, refresh: dashboard.refresh ?? '' },
    resolved,
    { lockTime, ...(withTheme ? { theme } : {}) },
    seenAt,
  );
  const link = `${window.location.origin}${window.location.pathname}${search}`;
  const [fromMs, toMs] = resolveRange(view.range, seenAt);
  const rangeText = !relative
    ? 'The time range is fixed already: the link shows the same times.'
    : lockTime
      ? `The link shows ${minuteFormat.format(fromMs)} to ${minuteFormat.format(toMs)}, whenever it is opened.`
      : `${describeRange(view.range)}, counted from when the link is opened.`;
  const exportUrl = (format: string): string =>
    `/api/dashboards/${encodeURIComponent(dashboard.uid)}/export?format=${format}`;

  const copy = async (): Promise<void> => {
    setCopied(null);
    const done = await copyText(link);
    setCopied(
      done ? 'Link copied to the clipboard.' : 'This browser refused to copy: select the link and copy it.',
    );
  };

  return (
    <Dialog title={`Share ${dashboard.title}`} onClose={onClose} class="share-dialog">
      <section aria-labelledby={`${id}-link`}>
        <h3 id={`${id}-link`}>Link</h3>
        <label class="share-option">
          <input
            type="checkbox"
            checked={lockTime || !relative}
            disabled={!relative}
            onChange={(event) => setLockTime(event.currentTarget.checked)}
            aria-describedby={`${id}-range`}
          />
          Lock time range
        </label>
        <p id={`${id}-range`} class="hint">
          {rangeText}
        </p>
        <label class="share-option">
          <input
            type="checkbox"
            checked={withTheme}
            onChange={(event) => setWithTheme(event.currentTarget.checked)}
          />
          Open in the {theme} theme
        </label>
        <div class="share-link">
          <input
            readOnly
            value={link}
            aria-label="Link to this view"
            onFocus={(event) => event.currentTarget.select()}
          />
          <button type="button" class="primary" autoFocus onClick={() => void copy()}>
            Copy
          </button>
        </div>
        <p role="status" class="share-status">
          {copied}
        </p>
      </section>

      <section aria-labelledby={`${id}-export`}>
        <h3 id={`${id}-export`}>Export</h3>
        <p class="hint">The dashboard's JSON, to import into another Pulseboard or into Grafana.</p>
        <div class="share-downloads">
          <a class="control" href={exportUrl('pulseboard')} download={`${dashboard.uid}.json`}>
            Export JSON
          </a>
          <a class="control" href={exportUrl('grafana')} download={`${dashboard.uid}.grafana.json`}>
            Export for Grafana
          </a>
        </div>
      </section>
    </Dialog>
  );
}
