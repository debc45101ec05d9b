// localStorage that never throws (private windows and disabled storage answer with defaults).

const PREFIX = 'pulseboard.';

export function readSetting(key: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    window.localStorage.setItem(PREFIX + key, value);
  } catch {
    // not remembered: the choice still holds for this page
  }
}
