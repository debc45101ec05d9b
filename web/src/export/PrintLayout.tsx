import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Dashboard } from '../api/types';
import { readSetting, writeSetting } from '../app/storage';
import { ThemeContext } from '../app/theme';
import { useDashboardStatus, type PanelStore } from '../dashboard/panelStore';
import type { ViewState } from '../dashboard/urlState';
import { resolveRange } from '../time/timeRange';
import {
  defaultPaper,
  pageRule,
  paperParam,
  paperRowHeight,
  parsePaper,
  printableArea,
  type Paper,
} from './printPaper';
import { takePrintRequest } from './printRequest';
import { usePanelsSettled } from './usePanelsSettled';

interface Props {
  dashboard: Dashboard;
  view: ViewState;
  store: PanelStore;
  /** The URL's ?print value ("a4-landscape"); what it leaves out is the paper last printed on. */
  paper: string;
  onPaper(paper: string): void;
  onClose(): void;
  /** The dashboard's grid, laid out at the paper's width. */
  children: ComponentChildren;
}

const moment = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

function Choice<T extends string>(props: {
  label: string;
  value: T;
  options: Record<T, string>;
  onChange(value: T): void;
}) {
  return (
    <label class="select-label">
      {props.label}
      <select
        class="control"
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value as T)}
      >
        {(Object.entries(props.options) as [T, string][]).map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The print view: the dashboard on light paper at the page's width, under a heading that says
 * what and when it shows; a bar (not printed) to choose the paper and print. Printing waits for
 * every panel to be drawn.
 */
export function PrintLayout({ dashboard, view, store, paper: asked, onPaper, onClose, children }: Props) {
  const paper = parsePaper(asked, parsePaper(readSetting('paper'), defaultPaper(navigator.language)));
  const status = useDashboardStatus(store);
  const sheet = useRef<HTMLDivElement>(null);
  const progress = usePanelsSettled(sheet);
  // Printing by itself: once, and only when the toolbar's Print opened the view.
  const [autoPrint] = useState(takePrintRequest);
  const printed = useRef(false);
  const area = printableArea(paper);

  useEffect(() => {
    if (!progress.done || !autoPrint || printed.current) return;
    printed.current = true;
    // A frame later, so the last panel's drawing is on screen before the browser takes the page.
    requestAnimationFrame(() => {
      window.print();
      onClose();
    });
  }, [progress.done]);

  const [fromMs, toMs] = resolveRange(view.range, status.computedAt ?? Date.now());
  // As the variable pickers name them: "All", not "$__all".
  const variables = Object.entries(status.variables)
    .map(([name, answer]) => {
      const values = (view.vars[name] ?? answer.current).map(
        (value) => answer.options.find((option) => option.value === value)?.text ?? value,
      );
      return `${name}: ${values.join(', ') || 'none'}`;
    })
    .join(' · ');
  const choose = (change: Partial<Paper>): void => {
    const next = paperParam({ ...paper, ...change });
    writeSetting('paper', next);
    onPaper(next);
  };

  return (
    <ThemeContext.Provider value="light">
      <style>{pageRule(paper)}</style>
      <div class="print-bar" role="region" aria-label="Print settings">
        <button type="button" class="control" onClick={onClose}>
          Back to dashboard
        </button>
        <Choice
          label="Paper"
          value={paper.size}
          options={{ a4: 'A4', letter: 'Letter' }}
          onChange={(size) => choose({ size })}
        />
        <Choice
          label="Orientation"
          value={paper.orientation}
          options={{ landscape: 'Landscape', portrait: 'Portrait' }}
          onChange={(orientation) => choose({ orientation })}
        />
        <span role="status" class="print-progress">
          {progress.done
            ? 'Every panel is drawn.'
            : `Drawing panels: ${progress.settled} of ${progress.total}`}
        </span>
        <button type="button" class="primary" disabled={!progress.done} onClick={() => window.print()}>
          Print
        </button>
      </div>
      <div
        ref={sheet}
        class="print-view"
        data-theme="light"
        data-print-state={progress.done ? 'ready' : 'drawing'}
        style={{
          '--paper-width': `${area.width}px`,
          '--paper-height': `${area.height}px`,
          '--paper-row': `${paperRowHeight(paper)}px`,
        }}
      >
        <header class="print-header">
          <h1>{dashboard.title}</h1>
          <p>
            {moment.format(fromMs)} to {moment.format(toMs)}
            {variables && ` · ${variables}`}
          </p>
        </header>
        {children}
      </div>
    </ThemeContext.Provider>
  );
}
