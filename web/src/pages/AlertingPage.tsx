import { PlannedPage } from './PlannedPage';

export default function AlertingPage() {
  return (
    <PlannedPage title="Alerting" summary="Alert rules, what is firing now, and why.">
      <li>Firing and pending alerts, grouped by rule and labels, with their runbook links.</li>
      <li>Alert and recording rules from Prometheus rule files, with their last evaluation and errors.</li>
      <li>Silences: create, extend and expire them.</li>
      <li>The history of each alert's state changes.</li>
    </PlannedPage>
  );
}
