// What a panel's menu exports: its data as CSV, its picture as PNG, a link to it alone. Loaded
// on first use (dashboard/PanelMenu), not with the dashboard.

import type { Panel, PanelData, VariableAnswer } from '../api/types';
import { announce } from '../app/announce';
import { parseUrlState } from '../dashboard/urlState';
import { TIME_TYPES } from '../panels/registry';
import { copyText } from './clipboard';
import { reducedCsv, timeSeriesCsv } from './csv';
import { exportFileName, saveFile } from './download';
import { paintElement } from './paintElement';
import { shareSearch } from './shareLink';

// The header's controls, the chart's hover layer and text only screen readers get.
const NOT_PICTURED = '.panel-header > :not(h3), .u-over, .tooltip, .sr-only';

export function downloadPanelCsv(panel: Panel, data: PanelData, range: [number, number]): void {
  const csv = TIME_TYPES.has(panel.type) ? timeSeriesCsv(data.frames) : reducedCsv(data.frames);
  saveFile(
    new Blob([csv], { type: 'text/csv;charset=utf-8' }),
    exportFileName(panel.title ?? '', range, 'csv'),
  );
  announce(`${panel.title || 'Panel'} data downloaded as CSV`);
}

export async function downloadPanelPng(
  element: HTMLElement,
  panel: Panel,
  range: [number, number],
): Promise<void> {
  const background = getComputedStyle(element).backgroundColor;
  const canvas = await paintElement(element, background, {
    skip: NOT_PICTURED,
    ratio: window.devicePixelRatio || 1,
  });
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the picture could not be encoded');
  saveFile(blob, exportFileName(panel.title ?? '', range, 'png'));
  announce(`${panel.title || 'Panel'} downloaded as PNG`);
}

/** A link to the panel alone, over the exact range it shows and the variables it used. */
export async function copyPanelLink(
  panelId: number,
  range: [number, number],
  variables: Record<string, VariableAnswer>,
): Promise<void> {
  const url = parseUrlState(window.location.search);
  const shown = { from: String(range[0]), to: String(range[1]) };
  const resolved = Object.fromEntries(
    Object.entries(variables).map(([name, answer]) => [name, answer.current]),
  );
  const search = shareSearch(
    { range: shown, vars: url.vars, refresh: url.refresh ?? '', live: false },
    // The URL's own refresh only; the dashboard's default is left to the dashboard.
    { time: shown, refresh: url.refresh ?? '' },
    resolved,
    { lockTime: true, viewPanel: panelId },
    Date.now(),
  );
  const copied = await copyText(`${window.location.origin}${window.location.pathname}${search}`);
  announce(copied ? 'Link to the panel copied' : 'The link could not be copied: this browser refused');
}
