// The server's problems with a document ({"path": "panels[3].gridPos.w", "message"}) said in
// the words of the editor: which panel or variable, by its title or name.

import type { Problem } from '../api/dashboardEdits';
import type { DashboardDocument } from '../api/documentTypes';

export interface DescribedProblem {
  /** "Panel “Requests”", "Variable “job”", "Dashboard". */
  subject: string;
  /** The rest of the path inside it: "gridPos.w"; "" when the problem is the whole of it. */
  field: string;
  path: string;
  message: string;
}

const PANEL = /^panels\[(\d+)\](?:\.panels\[(\d+)\])?\.?/;
const VARIABLE = /^variables\[(\d+)\]\.?/;

export function describeProblem(problem: Problem, dashboard: DashboardDocument): DescribedProblem {
  const { path, message } = problem;
  const panelMatch = PANEL.exec(path);
  if (panelMatch) {
    const outer = dashboard.panels[Number(panelMatch[1])];
    const panel = panelMatch[2] !== undefined ? outer?.panels?.[Number(panelMatch[2])] : outer;
    const kind = panel?.type === 'row' ? 'Row' : 'Panel';
    const name = panel?.title ? `${kind} “${panel.title}”` : `${kind} ${panel?.id ?? path}`;
    return { subject: name, field: path.slice(panelMatch[0].length), path, message };
  }
  const variableMatch = VARIABLE.exec(path);
  if (variableMatch) {
    const variable = dashboard.variables?.[Number(variableMatch[1])];
    const name = variable ? `Variable “${variable.name}”` : 'Variable';
    return { subject: name, field: path.slice(variableMatch[0].length), path, message };
  }
  return { subject: 'Dashboard', field: path, path, message };
}
