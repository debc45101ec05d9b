// Short confirmations ("Link copied") shown as a toast and read by screen readers: one polite
// live region for the whole page. It exists from the start, since a region added together with
// its message is often not read.

import './toast.css';

const SHOWN_MS = 4000;

let region: HTMLElement | null = null;
let timer: number | undefined;

function ensureRegion(): HTMLElement {
  if (!region || !region.isConnected) {
    region = document.createElement('div');
    region.className = 'toast';
    region.setAttribute('role', 'status');
    document.body.append(region);
  }
  return region;
}

if (typeof document !== 'undefined') ensureRegion();

export function announce(message: string): void {
  const target = ensureRegion();
  window.clearTimeout(timer);
  // Emptied first, so the same words said twice are read twice.
  target.textContent = '';
  window.setTimeout(() => {
    target.textContent = message;
    timer = window.setTimeout(() => (target.textContent = ''), SHOWN_MS);
  }, 60);
}
