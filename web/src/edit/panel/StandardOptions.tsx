import type { PanelDocument } from '../../api/documentTypes';
import { NumberField, SelectField } from '../fields';
import { defaultsOf, setDefault } from '../panelEdits';
import { UNIT_GROUPS, isOfferedUnit } from './unitOptions';

interface Props {
  panel: PanelDocument;
  onChange(panel: PanelDocument): void;
}

/** Unit, decimals, min and max: Grafana's "Standard options" of every field. */
export function StandardOptions({ panel, onChange }: Props) {
  const defaults = defaultsOf(panel);
  const unit = defaults.unit ?? '';
  const maxProblem =
    defaults.min !== undefined && defaults.max !== undefined && defaults.min > defaults.max
      ? 'Max is below min.'
      : null;
  return (
    <>
      <SelectField
        label="Unit"
        value={unit}
        onChange={(value) => onChange(setDefault(panel, 'unit', value || undefined))}
      >
        <option value="">Default (short)</option>
        {unit && !isOfferedUnit(unit) && <option value={unit}>{unit} (as imported)</option>}
        {UNIT_GROUPS.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.units.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <NumberField
        label="Decimals"
        value={defaults.decimals}
        integer
        min={0}
        placeholder="auto"
        onChange={(value) => onChange(setDefault(panel, 'decimals', value))}
      />
      <div class="field-pair">
        <NumberField
          label="Min"
          value={defaults.min}
          placeholder="auto"
          onChange={(value) => onChange(setDefault(panel, 'min', value))}
        />
        <NumberField
          label="Max"
          value={defaults.max}
          placeholder="auto"
          error={maxProblem}
          onChange={(value) => onChange(setDefault(panel, 'max', value))}
        />
      </div>
    </>
  );
}
