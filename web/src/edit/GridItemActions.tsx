import type { PanelDocument } from '../api/documentTypes';
import { MenuButton, type MenuItem } from '../app/MenuButton';
import { Icon, IconButton } from './IconButton';
import type { Box } from './gridLayout';
import { PANEL_LIMITS, ROW_LIMITS, possibleSteps, type LayoutStep } from './keyboardLayout';
import { MOVES, RESIZES, STEP_LABELS, stepForKey } from './layoutKeys';

export type GridAction = 'edit' | 'duplicate' | 'remove' | 'rowOptions' | 'toggleRow' | { step: LayoutStep };

interface Props {
  panel: PanelDocument;
  boxes: readonly Box[];
  onAction(action: GridAction): void;
}

const MOVE_PATH = 'M8 0 5 3h2v4H3V5L0 8l3 3V9h4v4H5l3 3 3-3H9V9h4v2l3-3-3-3v2H9V3h2L8 0Z';
const EDIT_PATH = 'm11.3 1 3.7 3.7-9.6 9.6H1.7v-3.7L11.3 1Zm0 2.1L3.2 11.2v1.6h1.6l8.1-8.1-1.6-1.6Z';
// Four squares: this menu arranges the panel on the grid (the three dots of the panel's header
// are the viewer's own menu).
const LAYOUT_PATH = 'M1 1h6v6H1V1Zm8 0h6v6H9V1ZM1 9h6v6H1V9Zm8 0h6v6H9V9Z';

export function displayTitle(panel: PanelDocument): string {
  return panel.title?.trim() || (panel.type === 'row' ? 'Untitled row' : 'Untitled panel');
}

/**
 * A panel's edit controls: a handle that arrow keys move (Shift+arrows resize), the panel
 * editor's button and a menu with every action, moves and resizes included.
 */
export function GridItemActions({ panel, boxes, onAction }: Props) {
  const row = panel.type === 'row';
  const title = displayTitle(panel);
  const limits = row ? ROW_LIMITS : PANEL_LIMITS;
  const possible = possibleSteps(boxes, panel.id, limits);
  const hintId = `move-hint-${panel.id}`;
  const steps = (list: readonly LayoutStep[]): MenuItem[] =>
    list
      .filter((step) => !row || step === 'up' || step === 'down')
      .map((step, index) => ({
        label: STEP_LABELS[step],
        disabled: !possible.has(step),
        groupStart: index === 0,
        onSelect: () => onAction({ step }),
      }));
  const items: MenuItem[] = row
    ? [
        { label: 'Row options…', onSelect: () => onAction('rowOptions') },
        { label: panel.collapsed ? 'Expand row' : 'Collapse row', onSelect: () => onAction('toggleRow') },
        { label: 'Remove row…', onSelect: () => onAction('remove') },
        ...steps(MOVES),
      ]
    : [
        { label: 'Edit', onSelect: () => onAction('edit') },
        { label: 'Duplicate', onSelect: () => onAction('duplicate') },
        { label: 'Remove…', onSelect: () => onAction('remove') },
        ...steps(MOVES),
        ...steps(RESIZES),
      ];

  return (
    <div class="grid-item-actions">
      <IconButton
        label={`Move ${title}`}
        class="move-handle"
        aria-describedby={hintId}
        onKeyDown={(event) => {
          const step = stepForKey(event.key, event.shiftKey);
          if (!step) return;
          event.preventDefault();
          if (possible.has(step)) onAction({ step });
        }}
      >
        <Icon path={MOVE_PATH} />
      </IconButton>
      <span id={hintId} class="sr-only">
        {row
          ? 'Up and down arrows move the row.'
          : 'Arrow keys move the panel; Shift with arrow keys resizes it.'}
      </span>
      {!row && (
        <IconButton label={`Edit ${title}`} onClick={() => onAction('edit')}>
          <Icon path={EDIT_PATH} />
        </IconButton>
      )}
      <MenuButton
        class="icon-button"
        label={`Edit actions for ${row ? 'row' : 'panel'} ${title}`}
        items={items}
      >
        <Icon path={LAYOUT_PATH} />
      </MenuButton>
    </div>
  );
}
