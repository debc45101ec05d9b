import { useEffect, useState } from 'preact/hooks';
import type { DashboardDocument } from '../../api/documentTypes';
import { REFRESH_CHOICES, rangeProblem, type TimeRange } from '../../time/timeRange';
import { parseDuration } from '../../time/duration';
import { SelectField, TextField, type Choice } from '../fields';
import { withKey } from '../panelEdits';
import { parseTags } from '../tags';

interface Props {
  dashboard: DashboardDocument;
  onChange(dashboard: DashboardDocument): void;
  /** The time range the dashboard shows now, offered as its new default. */
  currentRange: TimeRange;
}

const ZONE_CHOICES: readonly Choice[] = [
  ['browser', "The browser's time zone"],
  ['utc', 'UTC'],
  ...(() => {
    try {
      return Intl.supportedValuesOf('timeZone').map((zone) => [zone, zone] as const);
    } catch {
      return [];
    }
  })(),
];

/** Tags as one line of text: what is typed stays as typed ("ops, " while the next is typed). */
function TagsField({ tags, onChange }: { tags: string[]; onChange(tags: string[]): void }) {
  const [text, setText] = useState(tags.join(', '));
  useEffect(() => {
    // Tags changed elsewhere (discarded changes) replace the text.
    if (parseTags(text).join() !== tags.join()) setText(tags.join(', '));
  }, [tags]);
  return (
    <TextField
      label="Tags"
      value={text}
      hint="Separated by commas: tags find dashboards in the list."
      onChange={(next) => {
        setText(next);
        onChange(parseTags(next));
      }}
    />
  );
}

function refreshProblem(refresh: string): string | null {
  if (!refresh) return null;
  const ms = parseDuration(refresh);
  return ms === null || ms < 1000 ? 'A duration of at least 1s, such as 30s or 5m.' : null;
}

export function GeneralSettings({ dashboard, onChange, currentRange }: Props) {
  const set = <K extends keyof DashboardDocument>(key: K, value: DashboardDocument[K] | undefined): void =>
    onChange(withKey(dashboard, key, value));
  const refresh = dashboard.refresh ?? '';
  const refreshChoices = REFRESH_CHOICES.includes(refresh) ? REFRESH_CHOICES : [...REFRESH_CHOICES, refresh];
  const timeProblem = rangeProblem(dashboard.time, Date.now());
  const sameAsCurrent = currentRange.from === dashboard.time.from && currentRange.to === dashboard.time.to;
  return (
    <div class="settings-form">
      <TextField
        label="Title"
        prose
        required
        value={dashboard.title}
        error={dashboard.title.trim() ? null : 'A dashboard needs a title.'}
        onChange={(title) => set('title', title)}
      />
      <TextField
        label="Description"
        prose
        multiline
        value={dashboard.description ?? ''}
        onChange={(text) => set('description', text || undefined)}
      />
      <TagsField tags={dashboard.tags ?? []} onChange={(tags) => set('tags', tags)} />
      <TextField
        label="Folder"
        prose
        value={dashboard.folder ?? ''}
        onChange={(folder) => set('folder', folder)}
      />
      <fieldset class="field-group">
        <legend>Default time range</legend>
        <div class="field-pair">
          <TextField
            label="From"
            value={dashboard.time.from}
            placeholder="now-6h"
            onChange={(from) => set('time', { ...dashboard.time, from })}
          />
          <TextField
            label="To"
            value={dashboard.time.to}
            placeholder="now"
            error={timeProblem}
            onChange={(to) => set('time', { ...dashboard.time, to })}
          />
        </div>
        <button
          type="button"
          class="control"
          disabled={sameAsCurrent}
          onClick={() => set('time', { ...currentRange })}
        >
          Use the time range shown now
        </button>
      </fieldset>
      <SelectField
        label="Auto refresh"
        value={refresh}
        error={refreshProblem(refresh)}
        onChange={(value) => set('refresh', value)}
        choices={refreshChoices.map((choice) => [choice, choice ? `Every ${choice}` : 'Off'] as const)}
      />
      <SelectField
        label="Time zone"
        value={dashboard.timezone ?? 'browser'}
        onChange={(zone) => set('timezone', zone)}
        choices={ZONE_CHOICES}
      />
    </div>
  );
}
