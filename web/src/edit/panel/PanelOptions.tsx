import type { ComponentChildren } from 'preact';
import type { PanelDocument } from '../../api/documentTypes';
import { SelectField, TextField } from '../fields';
import {
  CALCULATIONS,
  REDUCING_TYPES,
  VISUALISATIONS,
  calculationOf,
  setCalculation,
  withKey,
} from '../panelEdits';
import { StandardOptions } from './StandardOptions';
import { ThresholdsEditor } from './ThresholdsEditor';

interface Props {
  panel: PanelDocument;
  onChange(panel: PanelDocument): void;
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <details class="options-section" open>
      <summary>{title}</summary>
      <div class="options-body">{children}</div>
    </details>
  );
}

function VisualisationPicker({ panel, onChange }: Props) {
  return (
    <fieldset class="visualisations">
      <legend class="sr-only">Visualisation</legend>
      {VISUALISATIONS.map(({ type, name }) => (
        <label key={type} class="visualisation">
          <input
            type="radio"
            name={`visualisation-${panel.id}`}
            value={type}
            checked={panel.type === type}
            onChange={() => onChange({ ...panel, type })}
          />
          <span>{name}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The options pane: what the panel is called, how it draws, units and thresholds. */
export function PanelOptions({ panel, onChange }: Props) {
  const drawsValues = panel.type !== 'text';
  return (
    <div class="panel-options">
      <Section title="Panel options">
        <TextField
          label="Title"
          prose
          value={panel.title ?? ''}
          onChange={(title) => onChange({ ...panel, title })}
        />
        <TextField
          label="Description"
          prose
          multiline
          value={panel.description ?? ''}
          hint="Shown to viewers beside the title, and read by screen readers."
          onChange={(text) => onChange(withKey(panel, 'description', text || undefined))}
        />
      </Section>
      <Section title="Visualisation">
        <VisualisationPicker panel={panel} onChange={onChange} />
      </Section>
      {REDUCING_TYPES.has(panel.type) && (
        <Section title="Value options">
          <SelectField
            label="Calculation"
            hint="How each series becomes the one value shown."
            value={calculationOf(panel)}
            onChange={(calc) => onChange(setCalculation(panel, calc))}
            choices={CALCULATIONS.map(({ id, name }) => [id, name] as const)}
          />
        </Section>
      )}
      {drawsValues && (
        <Section title="Standard options">
          <StandardOptions panel={panel} onChange={onChange} />
        </Section>
      )}
      {drawsValues && (
        <Section title="Thresholds">
          <ThresholdsEditor panel={panel} onChange={onChange} />
        </Section>
      )}
    </div>
  );
}
