import { useEffect, useId, useRef } from 'preact/hooks';
import type { DashboardDocument } from '../../api/documentTypes';
import type { TimeRange } from '../../time/timeRange';
import { GeneralSettings } from './GeneralSettings';
import { VariablesEditor } from './VariablesEditor';
import { VersionHistory } from './VersionHistory';
import './settings.css';

export type SettingsTab = 'general' | 'variables' | 'versions' | 'json';

const TABS: readonly [SettingsTab, string][] = [
  ['general', 'General'],
  ['variables', 'Variables'],
  ['versions', 'Versions'],
  ['json', 'JSON model'],
];

interface Props {
  dashboard: DashboardDocument;
  tab: SettingsTab;
  onTab(tab: SettingsTab): void;
  onChange(dashboard: DashboardDocument): void;
  currentRange: TimeRange;
  dirty: boolean;
  onRestored(version: number): void;
  onClose(): void;
}

/** Dashboard settings in tabs (WAI-ARIA tabs: arrows move between them), in the grid's place. */
export function DashboardSettings({
  dashboard,
  tab,
  onTab,
  onChange,
  currentRange,
  dirty,
  onRestored,
  onClose,
}: Props) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const onTabKey = (event: KeyboardEvent): void => {
    const index = TABS.findIndex(([name]) => name === tab);
    const offset = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!offset) return;
    event.preventDefault();
    const next = TABS[(index + offset + TABS.length) % TABS.length]![0];
    onTab(next);
    document.getElementById(`${id}-${next}`)?.focus();
  };
  return (
    <section class="dashboard-settings" aria-labelledby={`${id}-heading`}>
      <header class="edit-screen-header">
        <h2 id={`${id}-heading`} ref={heading} tabIndex={-1}>
          Settings
        </h2>
        <button type="button" class="primary" onClick={onClose}>
          Back to dashboard
        </button>
      </header>
      <div role="tablist" aria-label="Settings" class="tabs" onKeyDown={onTabKey}>
        {TABS.map(([name, label]) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`${id}-${name}`}
            aria-selected={tab === name}
            aria-controls={`${id}-panel`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => onTab(name)}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-${tab}`} class="tab-panel">
        {tab === 'general' && (
          <GeneralSettings dashboard={dashboard} onChange={onChange} currentRange={currentRange} />
        )}
        {tab === 'variables' && <VariablesEditor dashboard={dashboard} onChange={onChange} />}
        {tab === 'versions' && <VersionHistory uid={dashboard.uid} dirty={dirty} onRestored={onRestored} />}
        {tab === 'json' && (
          <pre
            class="json-model"
            tabIndex={0}
            aria-label="The dashboard as JSON, with the changes not saved yet"
          >
            {JSON.stringify(dashboard, null, 2)}
          </pre>
        )}
      </div>
    </section>
  );
}
