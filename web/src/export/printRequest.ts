// The toolbar's Print: open the print view (on the viewer's usual paper), which prints once every
// panel is drawn. Opening the view from a link (or reloading it) shows it without printing.

import { enterMode } from '../dashboard/viewModes';

let requested = false;

export function requestPrint(): void {
  requested = true;
  enterMode('print', '');
}

/** Whether the print view should print by itself; true once per request. */
export function takePrintRequest(): boolean {
  const was = requested;
  requested = false;
  return was;
}
