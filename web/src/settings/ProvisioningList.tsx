import type { ProvisioningProvider } from '../api/system';
import { Link } from '../app/Link';
import { StatusBadge } from '../panels/StatusBadge';

export function ProvisioningList({ providers }: { providers: ProvisioningProvider[] }) {
  if (!providers.length) {
    return (
      <p class="muted">No provisioning providers (dashboards.provisioning in the configuration file).</p>
    );
  }
  return (
    <ul class="settings-list">
      {providers.map((provider) => (
        <li key={provider.name}>
          <strong>{provider.name}</strong> <code>{provider.path}</code>
          <ul>
            {provider.files.map((file) => (
              <li key={file.file}>
                <StatusBadge status={file.error ? 'critical' : 'ok'} compact /> <code>{file.file}</code>
                {file.uid && (
                  <>
                    {' → '}
                    <Link href={`/d/${encodeURIComponent(file.uid)}`}>{file.uid}</Link>
                  </>
                )}
                {file.error && <div class="settings-error">{file.error}</div>}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
