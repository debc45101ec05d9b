// Views of a dashboard entered through a URL parameter: one panel alone (?viewPanel=<id>) and
// the print view (?print=a4-landscape). Leaving one is the browser's Back when this page entered
// it (history gets no loop of dashboard, view, dashboard); a link that opened the view directly
// goes to the dashboard instead.

import { useEffect } from 'preact/hooks';
import { navigate } from '../app/router';

export type ViewMode = 'viewPanel' | 'print';

/** Where we entered the current mode from, while it is shown. */
let entered: { mode: ViewMode; url: string } | null = null;

function here(): string {
  return `${window.location.pathname}${window.location.search}`;
}

function withParam(mode: ViewMode, value: string | null): string {
  const params = new URLSearchParams(window.location.search);
  if (value === null) params.delete(mode);
  else params.set(mode, value);
  const search = params.toString();
  return `${window.location.pathname}${search ? `?${search}` : ''}`;
}

/** `replace`: change the view in place (another paper), not as a step of history. */
export function enterMode(mode: ViewMode, value: string, { replace = false } = {}): void {
  const url = withParam(mode, value);
  navigate(url, { replace });
  // A view replaced in place keeps where it was entered from, or that it was not entered here.
  if (!replace || entered?.mode === mode) entered = { mode, url };
}

export function leaveMode(mode: ViewMode): void {
  if (entered?.mode === mode && entered.url === here()) {
    entered = null;
    window.history.back();
  } else {
    navigate(withParam(mode, null));
  }
}

/** Escape leaves `mode` while it is `active`, unless something on top (a menu, a dialog) takes it. */
export function useEscapeToLeave(mode: ViewMode, active: boolean): void {
  useEffect(() => {
    if (!active) return undefined;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('dialog, [role="dialog"], [role="menu"], .popover, input, select, textarea'))
        return;
      leaveMode(mode);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [mode, active]);
}
