// The shapes of the server's answers this UI reads (docs/dashboards.md). Only the fields the UI
// uses are typed; documents may carry more (Grafana imports keep theirs).

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ThresholdStep {
  color: string;
  value?: number | null;
}

export interface Thresholds {
  mode: 'absolute' | 'percentage';
  steps: ThresholdStep[];
}

export interface FieldDefaults {
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: Thresholds;
  noValue?: string;
  displayName?: string;
  color?: { mode: string; fixedColor?: string };
  custom?: Record<string, unknown>;
}

export interface Target {
  refId: string;
  expr?: string;
  legendFormat?: string;
  hide?: boolean;
}

export interface Panel {
  id: number;
  type: string;
  title?: string;
  description?: string;
  gridPos: GridPos;
  targets?: Target[];
  fieldConfig?: { defaults?: FieldDefaults };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

export interface Variable {
  name: string;
  type: string;
  label?: string;
  hide?: 0 | 1 | 2;
  multi?: boolean;
  includeAll?: boolean;
  current?: string[];
}

export interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  tags?: string[];
  folder?: string;
  time: { from: string; to: string };
  refresh?: string;
  timezone?: string;
  variables?: Variable[];
  panels: Panel[];
  version?: number;
}

export interface DashboardMeta {
  version: number;
  folder: string;
  starred: boolean;
  provisionedBy?: string | null;
  updated: string;
  url: string;
}

export interface DashboardAnswer {
  dashboard: Dashboard;
  meta: DashboardMeta;
}

export interface DashboardSummary {
  uid: string;
  title: string;
  folder: string;
  tags: string[];
  starred: boolean;
  updated: string;
  url: string;
}

export interface HomeAnswer {
  persona: string;
  uid: string;
  time: { from: string; to: string };
  refresh: string;
}

export interface Reduced {
  calc: string;
  value: number | null;
  thresholdIndex?: number;
  color?: string;
  text?: string;
}

export interface Frame {
  refId: string;
  name: string;
  labels: Record<string, string>;
  timestamps: number[];
  values: (number | null)[];
  reduced?: Reduced;
}

export type PanelState = 'ok' | 'nodata' | 'error';

export interface PanelData {
  id: number;
  type: string;
  state: PanelState;
  errors: { refId: string; message: string }[];
  warnings: string[];
  stepMs: number | null;
  fieldConfig: FieldDefaults;
  frames: Frame[];
}

export interface VariableAnswer {
  options: { text: string; value: string }[];
  current: string[];
}

export interface DataAnswer {
  uid: string;
  version: number;
  from: number;
  to: number;
  computedAt: number;
  variables: Record<string, VariableAnswer>;
  panels: Record<string, PanelData>;
}

export interface DataRequest {
  from: string;
  to: string;
  vars: Record<string, string[]>;
  panels?: number[];
  width?: number;
}

// Prometheus' query API (/api/v1/query, /api/v1/query_range), as this server answers it.
// Sample values are strings ("1.5", "NaN", "+Inf"), timestamps seconds since the epoch.

export type PromSample = [seconds: number, value: string];

export interface PromVectorSeries {
  metric: Record<string, string>;
  value: PromSample;
}

export interface PromMatrixSeries {
  metric: Record<string, string>;
  values: PromSample[];
}

export type PromQueryData =
  | { resultType: 'vector'; result: PromVectorSeries[] }
  | { resultType: 'matrix'; result: PromMatrixSeries[] }
  | { resultType: 'scalar'; result: PromSample }
  | { resultType: 'string'; result: PromSample };

export interface PromQueryAnswer {
  status: 'success';
  data: PromQueryData;
  warnings?: string[];
  infos?: string[];
}

/** POST /api/dashboards answers where the new dashboard lives. */
export interface CreatedDashboard {
  uid: string;
  version: number;
  url: string;
}
