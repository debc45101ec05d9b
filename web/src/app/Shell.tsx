import type { ComponentChildren } from 'preact';
import { Link } from './Link';
import type { Route } from './router';
import type { ThemeName } from './theme';

const NAV: { href: string; label: string; route: Route['name'] }[] = [
  { href: '/', label: 'Home', route: 'home' },
  { href: '/explore', label: 'Explore', route: 'explore' },
  { href: '/alerting', label: 'Alerting', route: 'alerting' },
  { href: '/notifications', label: 'Notifications', route: 'notifications' },
  { href: '/settings', label: 'Settings', route: 'settings' },
];

interface Props {
  route: Route;
  theme: ThemeName;
  onTheme(theme: ThemeName): void;
  children: ComponentChildren;
}

function Logo() {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
      <rect width="20" height="20" rx="5" fill="var(--accent)" />
      <path
        d="M3 11h3l2-5 3 9 2-6 1 2h3"
        fill="none"
        stroke="#fff"
        stroke-width="1.8"
        stroke-linejoin="round"
        stroke-linecap="round"
      />
    </svg>
  );
}

/** The page frame: skip link, top bar with navigation and theme, and the main landmark. */
export function Shell({ route, theme, onTheme, children }: Props) {
  const current = route.name === 'dashboard' ? 'home' : route.name;
  const next: ThemeName = theme === 'dark' ? 'light' : 'dark';
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          <Logo />
          <span>Pulseboard</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <Link
                  href={item.href}
                  aria-current={current === item.route && route.name !== 'dashboard' ? 'page' : undefined}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="icon-button theme-toggle"
          onClick={() => onTheme(next)}
          title={`Switch to the ${next} theme`}
        >
          {theme === 'dark' ? (
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
              <path
                fill="currentColor"
                d="M8 4.5a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7ZM7.3 0h1.4v2.5H7.3V0Zm0 13.5h1.4V16H7.3v-2.5ZM0 7.3h2.5v1.4H0V7.3Zm13.5 0H16v1.4h-2.5V7.3ZM2.1 3.1l1-1 1.8 1.8-1 1-1.8-1.8Zm9 9 1-1 1.8 1.8-1 1-1.8-1.8Zm-9 1.8 1.8-1.8 1 1-1.8 1.8-1-1Zm9-9 1.8-1.8 1 1-1.8 1.8-1-1Z"
              />
            </svg>
          ) : (
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
              <path fill="currentColor" d="M6 1.2a6.8 6.8 0 1 0 8.8 8.8A5.6 5.6 0 0 1 6 1.2Z" />
            </svg>
          )}
          <span class="sr-only">Switch to the {next} theme</span>
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
