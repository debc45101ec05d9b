import type { FunctionComponent } from 'preact';
import type { Panel, PanelData } from '../api/types';
import type { ThemeName } from '../app/theme';

/** What every panel renderer is given. */
export interface PanelProps {
  panel: Panel;
  data: PanelData;
  width: number;
  height: number;
  theme: ThemeName;
  /** The dashboard's time range in ms, for charts over time. */
  range: [number, number];
  /** Charts of one dashboard share a crosshair through this key. */
  syncKey: string;
  /** A drag across a time axis selected this range (ms). */
  onZoom(fromMs: number, toMs: number): void;
  /** An id for the element that describes the chart (the panel's visually hidden summary). */
  describedBy: string;
  /** Renderers that draw after rendering (canvas charts) call this once they have drawn. */
  onDrawn(): void;
}

export type PanelRenderer = FunctionComponent<PanelProps>;
