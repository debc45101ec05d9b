import type { Problem } from '../../api/dashboardEdits';
import type { DashboardDocument } from '../../api/documentTypes';
import { describeProblem } from '../problems';

interface Props {
  problems: Problem[];
  /** The document the paths point into: each problem is then put under its panel or variable. */
  dashboard?: DashboardDocument;
}

/** The server's problems with a document, each with where it is. */
export function ProblemList({ problems, dashboard }: Props) {
  return (
    <ul class="problem-list">
      {problems.map((problem, index) => {
        if (!dashboard) {
          return (
            <li key={index}>
              {problem.path && <code>{problem.path}</code>}
              {problem.path && ': '}
              {problem.message}
            </li>
          );
        }
        const described = describeProblem(problem, dashboard);
        return (
          <li key={index}>
            <strong>{described.subject}</strong>
            {described.field && (
              <>
                {' '}
                <code>{described.field}</code>
              </>
            )}
            : {described.message}
            {described.path && (
              <span class="muted">
                {' '}
                (<code>{described.path}</code>)
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
