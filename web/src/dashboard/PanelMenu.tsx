import type { RefObject } from 'preact';
import type { Panel, PanelData } from '../api/types';
import { announce } from '../app/announce';
import { MenuButton, type MenuItem } from '../app/MenuButton';
import type { PanelStore } from './panelStore';
import { enterMode, leaveMode } from './viewModes';

interface Props {
  panel: Panel;
  data: PanelData | undefined;
  range: [number, number];
  store: PanelStore;
  /** The panel's element, drawn into the PNG. */
  frame: RefObject<HTMLElement | null>;
  /** The panel is shown alone (?viewPanel). */
  alone: boolean;
  /** Whether the panel can show its data as a table instead of a chart, and does. */
  table: { offered: boolean; shown: boolean; toggle(): void };
}

// The exports load on first use: most views never download anything.
const loadExports = () => import('../export/panelExport');

function failed(what: string) {
  return (error: unknown): void => {
    announce(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
}

/** The panel header's menu: view alone, data table, downloads and a link to the panel. */
export function PanelMenu({ panel, data, range, store, frame, alone, table }: Props) {
  const title = panel.title || 'panel';
  const hasFrames = Boolean(data?.frames.length);
  const items: MenuItem[] = [
    alone
      ? { label: 'Back to dashboard', onSelect: () => leaveMode('viewPanel') }
      : { label: 'View panel', onSelect: () => enterMode('viewPanel', String(panel.id)) },
  ];
  if (table.offered) {
    items.push({
      label: 'Show data table',
      checked: table.shown,
      disabled: !hasFrames,
      onSelect: table.toggle,
    });
  }
  items.push(
    {
      label: 'Download CSV',
      groupStart: true,
      disabled: !hasFrames,
      onSelect: () => {
        if (!data) return;
        loadExports()
          .then((exports) => exports.downloadPanelCsv(panel, data, range))
          .catch(failed('Download CSV'));
      },
    },
    {
      label: 'Download PNG',
      disabled: !data,
      onSelect: () => {
        const element = frame.current;
        if (!element) return;
        loadExports()
          .then((exports) => exports.downloadPanelPng(element, panel, range))
          .catch(failed('Download PNG'));
      },
    },
    {
      label: 'Copy link to panel',
      groupStart: true,
      onSelect: () => {
        loadExports()
          .then((exports) => exports.copyPanelLink(panel.id, range, store.status.variables))
          .catch(failed('Copying the link'));
      },
    },
  );
  return (
    <MenuButton
      label={`Menu for ${title}`}
      class="icon-button panel-menu-button"
      items={items}
      onOpen={() => void loadExports().catch(() => undefined)}
    >
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
        <path
          fill="currentColor"
          d="M3 6.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm5 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm5 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Z"
        />
      </svg>
    </MenuButton>
  );
}
