import type { PanelDocument } from '../../api/documentTypes';
import type { Thresholds } from '../../api/types';
import { parseColor, toHex } from '../../format/color';
import { NumberField } from '../fields';
import { IconButton } from '../IconButton';
import { defaultsOf, setDefault } from '../panelEdits';
import {
  DEFAULT_THRESHOLDS,
  addStep,
  removeStep,
  setMode,
  setStepColor,
  setStepValue,
} from '../thresholdEdits';

interface Props {
  panel: PanelDocument;
  onChange(panel: PanelDocument): void;
}

const FALLBACK_COLOUR = '#808080';

/** Threshold steps, highest first as Grafana lists them, each a colour and where it starts. */
export function ThresholdsEditor({ panel, onChange }: Props) {
  const thresholds = defaultsOf(panel).thresholds;
  const write = (next: Thresholds | undefined): void => onChange(setDefault(panel, 'thresholds', next));
  if (!thresholds) {
    return (
      <div class="thresholds">
        <p class="muted">No thresholds: values keep the panel's colour.</p>
        <button type="button" class="control" onClick={() => write(DEFAULT_THRESHOLDS)}>
          Add thresholds
        </button>
      </div>
    );
  }
  const unit = thresholds.mode === 'percentage' ? '%' : '';
  const listed = thresholds.steps.map((step, index) => ({ step, index })).reverse();
  return (
    <div class="thresholds">
      <fieldset class="segmented">
        <legend>Threshold mode</legend>
        {(['absolute', 'percentage'] as const).map((mode) => (
          <label key={mode} class="segment">
            <input
              type="radio"
              name={`threshold-mode-${panel.id}`}
              checked={thresholds.mode === mode}
              onChange={() => write(setMode(thresholds, mode))}
            />
            {mode === 'absolute' ? 'Absolute' : 'Percentage'}
          </label>
        ))}
      </fieldset>
      <ul class="threshold-steps">
        {listed.map(({ step, index }) => {
          const name = index === 0 ? 'Base' : `Step ${index}`;
          return (
            <li key={`${index}-${step.value ?? 'base'}`}>
              <input
                type="color"
                aria-label={`${name} colour`}
                value={toHex(parseColor(step.color) ?? parseColor(FALLBACK_COLOUR)!)}
                onChange={(event) => write(setStepColor(thresholds, index, event.currentTarget.value))}
              />
              {index === 0 ? (
                <span class="threshold-base">Base (below every step)</span>
              ) : (
                <NumberField
                  label={`${name} starts at${unit ? ' (%)' : ''}`}
                  class="threshold-value"
                  value={step.value ?? undefined}
                  commitOnChange
                  onChange={(value) => value !== undefined && write(setStepValue(thresholds, index, value))}
                />
              )}
              {index > 0 && (
                <IconButton
                  label={`Remove ${name.toLowerCase()}`}
                  onClick={() => write(removeStep(thresholds, index))}
                >
                  ✕
                </IconButton>
              )}
            </li>
          );
        })}
      </ul>
      <div class="button-row">
        <button type="button" class="control" onClick={() => write(addStep(thresholds))}>
          Add threshold
        </button>
        <button type="button" class="control" onClick={() => write(undefined)}>
          Remove thresholds
        </button>
      </div>
    </div>
  );
}
