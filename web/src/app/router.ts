// A small router on the history API: the server answers every page path with index.html
// (pulseboard/api/web.py), and this picks the screen from the path.

import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'dashboard'; uid: string }
  | { name: 'explore' }
  | { name: 'alerting' }
  | { name: 'settings' }
  | { name: 'notifications' }
  | { name: 'notFound'; path: string };

const STATIC: Record<string, Route> = {
  '/': { name: 'home' },
  '/explore': { name: 'explore' },
  '/alerting': { name: 'alerting' },
  '/settings': { name: 'settings' },
  '/notifications': { name: 'notifications' },
};

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const fixed = STATIC[path];
  if (fixed) return fixed;
  const dashboard = /^\/d\/([^/]+)(?:\/[^/]*)?$/.exec(path);
  if (dashboard?.[1]) return { name: 'dashboard', uid: decodeURIComponent(dashboard[1]) };
  return { name: 'notFound', path };
}

export interface Location {
  pathname: string;
  search: string;
}

// pushState does not fire popstate: this event tells the app's listeners instead.
const CHANGE = 'pulseboard:navigate';

function current(): Location {
  return { pathname: window.location.pathname, search: window.location.search };
}

/** Go to a URL of this app; `replace` changes the current history entry instead of adding one. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  const before = `${window.location.pathname}${window.location.search}`;
  if (url === before) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = (): void => setLocation(current());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return location;
}

/** Whether a click should be left to the browser (new tab, download, other window). */
export function isModifiedClick(event: MouseEvent): boolean {
  return event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
}
