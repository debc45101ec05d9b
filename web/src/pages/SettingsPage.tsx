import { PlannedPage } from './PlannedPage';

export default function SettingsPage() {
  return (
    <PlannedPage title="Settings" summary="Users, access and how this server runs.">
      <li>Users, roles per project (viewer, editor, admin) and API keys.</li>
      <li>Scrape targets and their health, retention and storage use.</li>
      <li>Dashboard provisioning files and their errors.</li>
      <li>Your preferences: theme, home dashboard, time zone.</li>
    </PlannedPage>
  );
}
