import type { Frame, ThresholdStep } from '../api/types';
import { displayText, displayValue } from './display';
import { END_ANGLE, START_ANGLE, angleOf, arcPath, gaugeBounds } from './gaugeGeometry';
import { statusFillColor } from './seriesStyle';
import { StatusBadge } from './StatusBadge';
import type { PanelProps } from './types';

const CX = 100;
const CY = 96;
const RADIUS = 74;

function thresholdArcs(
  steps: ThresholdStep[],
  min: number,
  max: number,
): { from: number; to: number; color: string }[] {
  return steps.map((step, index) => {
    const next = steps[index + 1]?.value;
    return {
      from: angleOf(step.value ?? min, min, max),
      to: angleOf(next ?? max, min, max),
      color: step.color,
    };
  });
}

function Gauge({
  frame,
  props,
  bounds,
  named,
}: {
  frame: Frame;
  props: PanelProps;
  bounds: [number, number];
  named: boolean;
}) {
  const { data, theme } = props;
  const display = displayValue(frame, data.fieldConfig, theme);
  const [min, max] = bounds;
  const angle = display.value === null ? START_ANGLE : angleOf(display.value, min, max);
  const steps = data.fieldConfig.thresholds?.steps ?? [];
  const fill = display.fillColor ?? 'var(--accent)';
  return (
    <figure class="gauge">
      <svg
        viewBox="0 0 200 150"
        role="img"
        aria-label={`${frame.name}: ${displayText(display)}, on a scale from ${min} to ${max}`}
      >
        <path
          d={arcPath(CX, CY, RADIUS, START_ANGLE, END_ANGLE)}
          class="gauge-track"
          fill="none"
          stroke-width="14"
        />
        {display.value !== null && angle > START_ANGLE && (
          <path d={arcPath(CX, CY, RADIUS, START_ANGLE, angle)} fill="none" stroke={fill} stroke-width="14" />
        )}
        {thresholdArcs(steps, min, max)
          .filter((arc) => arc.to > arc.from)
          .map((arc) => (
            <path
              key={`${arc.from}`}
              d={arcPath(CX, CY, RADIUS + 12, arc.from, arc.to)}
              fill="none"
              stroke={statusFillColor(arc.color, theme)}
              stroke-width="4"
            />
          ))}
        <text x={CX} y={CY + 6} text-anchor="middle" class="gauge-value" style={{ fill: display.textColor }}>
          {displayText(display)}
        </text>
      </svg>
      <figcaption>
        {named && <span class="gauge-name">{frame.name}</span>}
        {display.status && <StatusBadge status={display.status} color={display.textColor} />}
      </figcaption>
    </figure>
  );
}

export function GaugePanel(props: PanelProps) {
  const { data } = props;
  const defaults = data.fieldConfig;
  const values = data.frames
    .map((frame) => frame.reduced?.value)
    .filter((v): v is number => typeof v === 'number');
  const bounds = gaugeBounds(defaults.unit, defaults.min, defaults.max, values);
  return (
    <div class="gauges">
      {data.frames.map((frame) => (
        <Gauge
          key={`${frame.refId}:${frame.name}`}
          frame={frame}
          props={props}
          bounds={bounds}
          named={data.frames.length > 1}
        />
      ))}
    </div>
  );
}
