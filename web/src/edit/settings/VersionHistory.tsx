import { useEffect, useState } from 'preact/hooks';
import {
  listVersions,
  restoreVersion,
  versionChanges,
  type VersionChange,
  type VersionSummary,
} from '../../api/dashboardEdits';
import { ConfirmDialog } from '../Dialog';

interface Props {
  uid: string;
  dirty: boolean;
  /** After a restore: the restored content is the newest version now. */
  onRestored(version: number): void;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function shown(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

const KIND_TEXT: Record<VersionChange['kind'], string> = {
  added: 'Added',
  removed: 'Removed',
  changed: 'Changed',
};

function VersionDiff({ uid, from, to }: { uid: string; from: number; to: number }) {
  const [changes, setChanges] = useState<VersionChange[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    setChanges(null);
    setError(null);
    versionChanges(uid, from, to, controller.signal)
      .then(setChanges)
      .catch((reason: unknown) => controller.signal.aborted || setError(errorText(reason)));
    return () => controller.abort();
  }, [uid, from, to]);
  const caption = `Changes from version ${from} to version ${to}`;
  if (error) return <p class="form-error">{error}</p>;
  if (!changes) return <p class="muted">Comparing…</p>;
  if (!changes.length) return <p>{caption}: none, the two versions are the same.</p>;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table class="version-diff">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Where</th>
            <th scope="col">Change</th>
            <th scope="col">Version {from}</th>
            <th scope="col">Version {to}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.path} class={`change-${change.kind}`}>
              <th scope="row">
                <code>{change.path}</code>
              </th>
              <td>{KIND_TEXT[change.kind]}</td>
              <td>
                <code>{shown(change.old)}</code>
              </td>
              <td>
                <code>{shown(change.new)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Saved versions, newest first: compare any two, restore an older one as the newest. */
export function VersionHistory({ uid, dirty, onRestored }: Props) {
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<number[]>([]);
  const [compared, setCompared] = useState<[number, number] | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    listVersions(uid, controller.signal)
      .then((found) => {
        setVersions(found);
        // The two newest are the usual question: what did the last save change?
        setPicked(found.slice(0, 2).map((item) => item.version));
      })
      .catch((reason: unknown) => controller.signal.aborted || setError(errorText(reason)));
    return () => controller.abort();
  }, [uid]);

  const toggle = (version: number, on: boolean): void =>
    setPicked((before) =>
      on ? [...before.filter((v) => v !== version), version].slice(-2) : before.filter((v) => v !== version),
    );

  const restore = async (version: number): Promise<void> => {
    setRestoring(null);
    try {
      const saved = await restoreVersion(uid, version);
      onRestored(saved.version);
    } catch (reason) {
      setError(errorText(reason));
    }
  };

  if (!versions)
    return error ? <p class="form-error">{error}</p> : <p class="muted">Loading the versions…</p>;
  const newest = versions[0]?.version;
  const [older, newer] = [...picked].sort((a, b) => a - b);
  return (
    <div class="version-history">
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Saved versions">
        <table class="versions">
          <caption class="sr-only">Saved versions, newest first. Tick two to compare them.</caption>
          <thead>
            <tr>
              <th scope="col">Compare</th>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
              <th scope="col">Message</th>
              <th scope="col">
                <span class="sr-only">Restore</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((item) => (
              <tr key={item.version}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare version ${item.version}`}
                    checked={picked.includes(item.version)}
                    onChange={(event) => toggle(item.version, event.currentTarget.checked)}
                  />
                </td>
                <th scope="row">{item.version}</th>
                <td>{when.format(new Date(item.created))}</td>
                <td>{item.author || '—'}</td>
                <td>{item.message || <span class="muted">No message</span>}</td>
                <td>
                  {item.version === newest ? (
                    <span class="muted">Latest</span>
                  ) : (
                    <button type="button" class="control" onClick={() => setRestoring(item.version)}>
                      Restore version {item.version}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button
        type="button"
        class="control"
        disabled={older === undefined || newer === undefined}
        onClick={() => older !== undefined && newer !== undefined && setCompared([older, newer])}
      >
        {older !== undefined && newer !== undefined
          ? `Compare version ${older} with version ${newer}`
          : 'Tick two versions to compare'}
      </button>
      {compared && <VersionDiff uid={uid} from={compared[0]} to={compared[1]} />}
      {restoring !== null && (
        <ConfirmDialog
          title={`Restore version ${restoring}?`}
          confirmLabel={`Restore version ${restoring}`}
          destructive={dirty}
          onConfirm={() => void restore(restoring)}
          onCancel={() => setRestoring(null)}
        >
          <p>Its content is saved as a new version; the versions in between are kept.</p>
          {dirty && <p>Your changes that are not saved will be lost.</p>}
        </ConfirmDialog>
      )}
    </div>
  );
}
