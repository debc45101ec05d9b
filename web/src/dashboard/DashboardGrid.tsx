import { sectionHeight, type Section } from './layout';
import { PanelFrame } from './PanelFrame';
import type { PanelStore } from './panelStore';

interface Props {
  sections: Section[];
  store: PanelStore;
  syncKey: string;
  onZoom(fromMs: number, toMs: number): void;
  onToggleRow(rowId: number, collapsed: boolean): void;
}

/** The dashboard's sections: row headers that open and close, and 24-column panel grids. */
export function DashboardGrid({ sections, store, syncKey, onZoom, onToggleRow }: Props) {
  return (
    <div class="dashboard-grid">
      {sections.map((section) => (
        <div class="grid-section" key={section.key}>
          {section.row && (
            <h2 class="row-header">
              <button
                type="button"
                aria-expanded={!section.collapsed}
                aria-controls={`${section.key}-panels`}
                onClick={() => onToggleRow(section.row!.id, !section.collapsed)}
              >
                <svg class="chevron" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
                  <path d="M4 2.5 7.5 6 4 9.5" fill="none" stroke="currentColor" stroke-width="1.6" />
                </svg>
                <span>{section.row.title || 'Row'}</span>
                {section.collapsed && (
                  <span class="row-count">
                    {section.members.length} panel{section.members.length === 1 ? '' : 's'}
                  </span>
                )}
              </button>
            </h2>
          )}
          <div
            id={`${section.key}-panels`}
            class="panel-grid"
            hidden={section.collapsed}
            style={{ '--rows': sectionHeight(section) }}
          >
            {section.items.map((placed) => (
              <PanelFrame
                key={placed.panel.id}
                placed={placed}
                store={store}
                syncKey={syncKey}
                onZoom={onZoom}
              />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
