// The editing screens load on first use, in their own chunks: a dashboard opened to be looked
// at does not download the grid editor, gridstack or the dialogs.

import type { ComponentType } from 'preact';
import { useLazyModule } from '../app/useLazyModule';
import type { DashboardAnswer } from '../api/types';
// Listens to the history before the router does, so it loads with the app (see there).
import './historyGuard';

type Loader<P> = () => Promise<{ default: ComponentType<P> }>;

function lazyComponent<P extends object>(load: Loader<P>, loading: string): ComponentType<P> {
  return function Lazy(props: P) {
    const { module, failed } = useLazyModule(load, true);
    if (failed) return <p role="alert">The editor could not be loaded. Reload to try again.</p>;
    if (!module) return loading ? <p class="muted">{loading}</p> : null;
    const Component = module.default;
    return <Component {...props} />;
  };
}

export interface EditorProps {
  answer: DashboardAnswer;
  /** After a save or a restore: load the dashboard again (the editor starts over from it). */
  onSaved(): void;
}

export const LazyDashboardEditor = lazyComponent<EditorProps>(
  () => import('./DashboardEditor'),
  'Loading the editor…',
);

export interface DialogProps {
  onClose(): void;
}

export const LazyNewDashboardDialog = lazyComponent<DialogProps>(() => import('./NewDashboardDialog'), '');
export const LazyImportDialog = lazyComponent<DialogProps>(() => import('./ImportDashboardDialog'), '');
