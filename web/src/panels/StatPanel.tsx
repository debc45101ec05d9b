import type { Frame } from '../api/types';
import { textOn } from '../format/color';
import { displayText, displayValue } from './display';
import { PercentChange } from './PercentChange';
import { percentChange, type ChangeColorMode } from './percentChange';
import { Sparkline } from './Sparkline';
import { StatusBadge } from './StatusBadge';
import type { PanelProps } from './types';

/** Columns for n tiles in a width x height box, keeping tiles close to square-ish. */
function columnsFor(count: number, width: number, height: number): number {
  let best = 1;
  let bestScore = Infinity;
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const ratio = width / columns / (height / rows);
    const score = Math.abs(Math.log(ratio / 1.8));
    if (score < bestScore) [best, bestScore] = [columns, score];
  }
  return best;
}

function StatTile({
  frame,
  props,
  width,
  height,
  showName,
}: {
  frame: Frame;
  props: PanelProps;
  width: number;
  height: number;
  showName: boolean;
}) {
  const { panel, data, theme } = props;
  const display = displayValue(frame, data.fieldConfig, theme);
  const colorMode = (panel.options?.colorMode as string | undefined) ?? 'value';
  const graphMode = (panel.options?.graphMode as string | undefined) ?? 'area';
  const filled = colorMode === 'background' && display.fillColor;
  const text = displayText(display);
  // Grafana's stat option: the change from the range's first value to its last.
  const change = panel.options?.showPercentChange === true ? percentChange(frame) : null;
  const valueSize = Math.max(
    12,
    Math.min(height * (showName ? 0.34 : 0.42), (width * 1.55) / Math.max(text.length, 3), 56),
  );
  const color = filled ? textOn(display.fillColor!) : colorMode === 'none' ? undefined : display.textColor;
  return (
    <div class="stat-tile" style={filled ? { background: display.fillColor, color } : undefined}>
      {graphMode === 'area' && (
        <Sparkline
          frame={frame}
          color={display.fillColor ?? 'var(--accent)'}
          width={width}
          height={Math.round(height * 0.34)}
        />
      )}
      {showName && <div class="stat-name">{frame.name}</div>}
      <div class="stat-value" style={{ fontSize: `${valueSize}px`, color }}>
        {display.formatted.prefix}
        {display.formatted.text}
        <span class="stat-suffix">{display.formatted.suffix}</span>
      </div>
      {display.status && (
        <StatusBadge
          status={display.status}
          color={filled ? color : display.textColor}
          compact={height < 70}
        />
      )}
      {change !== null && (
        <PercentChange
          change={change}
          mode={(panel.options?.percentChangeColorMode as ChangeColorMode | undefined) ?? 'standard'}
          valueColor={color}
        />
      )}
    </div>
  );
}

export function StatPanel(props: PanelProps) {
  const { data, width, height } = props;
  const frames = data.frames.length ? data.frames : [];
  const columns = columnsFor(frames.length, width, height);
  const rows = Math.ceil(frames.length / columns);
  const tileWidth = width / columns;
  const tileHeight = height / rows;
  return (
    <div class="stat" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
      {frames.map((frame) => (
        <StatTile
          key={`${frame.refId}:${frame.name}`}
          frame={frame}
          props={props}
          width={tileWidth}
          height={tileHeight}
          showName={frames.length > 1 || props.panel.options?.textMode === 'value_and_name'}
        />
      ))}
    </div>
  );
}
