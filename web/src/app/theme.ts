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

export function applyTheme(theme: ThemeName): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
  writeSetting('theme', theme);
}
