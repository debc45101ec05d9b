// Unsaved changes are not lost by leaving: closing or reloading the tab asks the browser's own
// question; links inside the app, the back and forward buttons and leaving edit mode ask ours.

import { useEffect, useRef } from 'preact/hooks';
import { isModifiedClick, navigate } from '../app/router';
import { blockHistoryMoves } from './historyGuard';

interface Options {
  dirty: boolean;
  /** Whether a location still shows this editor (then moving to it loses nothing). */
  keepsEditor(url: URL): boolean;
  /** Ask before leaving; `leave` goes on to where the user was going. */
  onBlocked(leave: () => void): void;
}

export function useLeaveGuard({ dirty, keepsEditor, onBlocked }: Options): void {
  const latest = useRef({ dirty, keepsEditor, onBlocked });
  latest.current = { dirty, keepsEditor, onBlocked };
  // Set while going on after the user chose to leave: that navigation is not asked about again.
  const leaving = useRef(false);
  // The editor's own URL, as of its last render (a popstate has already changed the address).
  const here = useRef(window.location.href);
  useEffect(() => {
    here.current = window.location.href;
  });

  useEffect(() => {
    const blocks = (url: URL): boolean =>
      latest.current.dirty &&
      !leaving.current &&
      url.origin === window.location.origin &&
      !latest.current.keepsEditor(url);

    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      if (!latest.current.dirty || leaving.current) return;
      event.preventDefault();
      event.returnValue = ''; // older browsers ask only when this is set
    };

    const onClick = (event: MouseEvent): void => {
      if (event.defaultPrevented || isModifiedClick(event)) return;
      const link = (event.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute('download')) return;
      const url = new URL(link.href);
      if (!blocks(url)) return;
      event.preventDefault();
      event.stopPropagation(); // before the app's own link handler navigates
      latest.current.onBlocked(() => {
        leaving.current = true;
        navigate(`${url.pathname}${url.search}${url.hash}`);
      });
    };

    // The history has already moved: the editor's entry is put back, then the user is asked.
    blockHistoryMoves((url) => {
      if (!blocks(url)) return false;
      window.history.pushState(null, '', here.current);
      latest.current.onBlocked(() => {
        leaving.current = true;
        window.history.back();
      });
      return true;
    });

    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
      blockHistoryMoves(null);
    };
  }, []);
}
