import { buildInfo, provisioningStatus, scrapeTargets, templates } from '../api/system';
import { ProvisioningList } from '../settings/ProvisioningList';
import { Section } from '../settings/Section';
import { TargetsTable } from '../settings/TargetsTable';
import { TemplatesList } from '../settings/TemplatesList';
import { useLoaded } from '../settings/useLoaded';

/** How this server runs: what it scrapes, which dashboards it provisions, its templates. */
export default function SettingsPage() {
  const targets = useLoaded(scrapeTargets);
  const providers = useLoaded(provisioningStatus);
  const shipped = useLoaded(templates);
  const build = useLoaded(buildInfo);
  return (
    <article class="settings-page">
      <h1>Settings</h1>
      <Section id="settings-targets" title="Scrape targets" loaded={targets}>
        {(value) => <TargetsTable targets={value} />}
      </Section>
      <Section id="settings-provisioning" title="Dashboard provisioning" loaded={providers}>
        {(value) => <ProvisioningList providers={value} />}
      </Section>
      <Section id="settings-templates" title="Built-in dashboards" loaded={shipped}>
        {(value) => <TemplatesList templates={value} />}
      </Section>
      <section class="settings-section" aria-labelledby="settings-access">
        <h2 id="settings-access">Users, roles and API keys</h2>
        <p class="muted">
          Every visitor is one anonymous user until access control arrives; users, roles per project and API
          keys will be managed here.
        </p>
      </section>
      <Section id="settings-server" title="Server" loaded={build}>
        {(value) => (
          <dl class="settings-facts">
            <dt>Version</dt>
            <dd>
              {value.application} {value.version}
            </dd>
            <dt>Runtime</dt>
            <dd>{value.goVersion}</dd>
          </dl>
        )}
      </Section>
    </article>
  );
}
