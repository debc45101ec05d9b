// The dashboard document as the editor reads and writes it: the view's types (./types) with the
// fields only editing touches. Every field is optional, so the view's values are these too.

import type { Dashboard, Panel, Target, Variable } from './types';

export type TargetFormat = 'time_series' | 'table' | 'heatmap';

export interface TargetDocument extends Target {
  instant?: boolean;
  range?: boolean;
  /** The smallest step for this query: "30s", or a variable such as "$interval". */
  interval?: string;
  format?: TargetFormat;
}

export interface PanelDocument extends Panel {
  targets?: TargetDocument[];
  panels?: PanelDocument[];
  interval?: string;
  maxDataPoints?: number;
}

export type VariableType = 'query' | 'custom' | 'interval' | 'constant' | 'textbox';

export interface VariableDocument extends Variable {
  type: VariableType;
  description?: string;
  /** Options source: label_values(...) for query, "a, b" for custom, "1m,5m" for interval,
   * the value of a constant, the default text of a textbox. */
  query?: string;
  regex?: string;
  allValue?: string | null;
  sort?: number;
  refresh?: 1 | 2;
  auto?: boolean;
  autoCount?: number;
  autoMin?: string;
}

export interface DashboardDocument extends Dashboard {
  panels: PanelDocument[];
  variables?: VariableDocument[];
  schemaVersion?: number;
}
