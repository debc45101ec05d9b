import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { readSetting, writeSetting } from './storage';

export type ThemeName = 'dark' | 'light';

export const ThemeContext = createContext<ThemeName>('dark');

export function useThemeName(): ThemeName {
  return useContext(ThemeContext);
}

/** The remembered theme; dark unless the viewer chose light. */
export function storedTheme(): ThemeName {
  return readSetting('theme') === 'light' ? 'light' : 'dark';
}

/** The theme a link asks for (?theme=light, as shared links may): for that page, not remembered. */
export function linkedTheme(search: string): ThemeName | null {
  const asked = new URLSearchParams(search).get('theme');
  return asked === 'light' || asked === 'dark' ? asked : null;
}

/** The theme a page opens in: the link's, else the remembered one. */
export function initialTheme(): ThemeName {
  return linkedTheme(window.location.search) ?? storedTheme();
}

/** Shows `theme`; `remember` keeps it for the next visits (a choice, not a link's). */
export function applyTheme(theme: ThemeName, { remember = true } = {}): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
  if (remember) writeSetting('theme', theme);
}
