import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DashboardView } from '../dashboard/DashboardView';
import { HomePage } from '../pages/HomePage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { matchRoute, useLocation } from './router';
import { Shell } from './Shell';
import { ThemeContext, applyTheme, initialTheme, type ThemeName } from './theme';

type LazyPage = () => Promise<{ default: ComponentType }>;

// Later screens load when first visited: the dashboard (the first view) does not carry them.
const LATER: Record<string, LazyPage> = {
  explore: () => import('../pages/ExplorePage'),
  alerting: () => import('../pages/AlertingPage'),
  settings: () => import('../pages/SettingsPage'),
  notifications: () => import('../pages/NotificationsPage'),
};

function Lazy({ load }: { load: LazyPage }) {
  const [Page, setPage] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    setPage(null);
    load()
      .then((module) => current && setPage(() => module.default))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [load]);
  if (failed) return <p role="alert">This page could not be loaded. Reload to try again.</p>;
  return Page ? <Page /> : <p class="muted">Loading…</p>;
}

export function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname);
  const [theme, setTheme] = useState<ThemeName>(initialTheme);

  const changeTheme = (next: ThemeName): void => {
    applyTheme(next); // before the charts redraw, so they read the new colours
    setTheme(next);
  };

  const firstScreen = useRef(true);
  useEffect(() => {
    if (route.name !== 'dashboard') document.title = 'Pulseboard';
    // After an in-app navigation, keyboard and screen-reader users start at the new screen's
    // content; on a page load the browser's own order holds (the skip link first).
    if (firstScreen.current) firstScreen.current = false;
    else document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.pathname]);

  let page;
  if (route.name === 'home') page = <HomePage />;
  else if (route.name === 'dashboard') page = <DashboardView uid={route.uid} />;
  else if (route.name === 'notFound') page = <NotFoundPage path={route.path} />;
  else page = <Lazy key={route.name} load={LATER[route.name]!} />;

  return (
    <ThemeContext.Provider value={theme}>
      <Shell route={route} theme={theme} onTheme={changeTheme}>
        {page}
      </Shell>
    </ThemeContext.Provider>
  );
}
