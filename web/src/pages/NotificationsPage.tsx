import { PlannedPage } from './PlannedPage';

export default function NotificationsPage() {
  return (
    <PlannedPage title="Notifications" summary="Where alerts are sent, and what was sent.">
      <li>
        Contact points: Slack, e-mail, PagerDuty, Opsgenie, webhooks and Alertmanager, each with a test
        message.
      </li>
      <li>The routing tree: which alerts go where, grouped and repeated how often.</li>
      <li>Recent notifications and their delivery state.</li>
      <li>Scheduled summary reports by e-mail.</li>
    </PlannedPage>
  );
}
