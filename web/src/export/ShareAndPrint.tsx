import { useState } from 'preact/hooks';
import type { Dashboard } from '../api/types';
import { useLazyModule } from '../app/useLazyModule';
import type { PanelStore } from '../dashboard/panelStore';
import type { ViewState } from '../dashboard/urlState';
import { requestPrint } from './printRequest';

interface Props {
  dashboard: Dashboard;
  view: ViewState;
  store: PanelStore;
}

// The dialog's code loads when it is first opened.
const loadShareDialog = () => import('./ShareDialog');

/** The toolbar's Share (a dialog with a link and the JSON exports) and Print buttons. */
export function ShareAndPrint({ dashboard, view, store }: Props) {
  const [sharing, setSharing] = useState(false);
  const dialog = useLazyModule(loadShareDialog, sharing);
  const Dialog = dialog.module?.ShareDialog;
  return (
    <>
      <button type="button" class="control" aria-haspopup="dialog" onClick={() => setSharing(true)}>
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 1.5a2.5 2.5 0 1 1-1.9 4.1L6.4 7.5a2.5 2.5 0 0 1 0 1l3.7 1.9a2.5 2.5 0 1 1-.7 1.3L5.7 9.8a2.5 2.5 0 1 1 0-3.6l3.7-1.9A2.5 2.5 0 0 1 12 1.5Z"
          />
        </svg>
        Share
      </button>
      <button type="button" class="control icon-control" onClick={requestPrint} title="Print or save as PDF">
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
          <path
            fill="currentColor"
            d="M4 1h8v4h2.5c.8 0 1.5.7 1.5 1.5V12h-3v3H3v-3H0V6.5C0 5.7.7 5 1.5 5H4V1Zm1.5 1.5V5h5V2.5h-5Zm0 8v3h5v-3h-5Z"
          />
        </svg>
        <span class="sr-only">Print or save as PDF</span>
      </button>
      {sharing && dialog.failed && (
        <span role="alert" class="form-error">
          Sharing could not be loaded: reload the page to try again.
        </span>
      )}
      {sharing && Dialog && (
        <Dialog dashboard={dashboard} view={view} store={store} onClose={() => setSharing(false)} />
      )}
    </>
  );
}
