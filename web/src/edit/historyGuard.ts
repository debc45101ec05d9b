// Back and forward move the history before any code is asked, and the router redraws the page
// for the new address as soon as it hears of it. This listener is added when the app's modules
// load, before the router's: an editor with unsaved changes can put its address back and stop
// the event before the page changes under it. Part of the first load: small.

/** Returns true when it kept the page where it was (the event then goes no further). */
type Blocker = (url: URL) => boolean;

let blocker: Blocker | null = null;

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', (event) => {
    if (blocker?.(new URL(window.location.href))) event.stopImmediatePropagation();
  });
}

/** Sets (or with null, removes) the one blocker: there is one editor at a time. */
export function blockHistoryMoves(next: Blocker | null): void {
  blocker = next;
}
