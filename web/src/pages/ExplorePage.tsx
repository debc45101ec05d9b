import { PlannedPage } from './PlannedPage';

export default function ExplorePage() {
  return (
    <PlannedPage title="Explore" summary="Ask the data a question without building a dashboard first.">
      <li>A PromQL editor with completion of metric names, labels and functions.</li>
      <li>
        The structured query builder: metric, range, aggregation (avg, sum, count, min, max, p95, p99), group
        by, filters.
      </li>
      <li>Results as a time series, a table or a single value, with the query's timing and warnings.</li>
      <li>Sending a query to a dashboard as a new panel.</li>
    </PlannedPage>
  );
}
