import { useId } from 'preact/hooks';
import type { PanelDocument, TargetDocument, TargetFormat } from '../../api/documentTypes';
import { PromQLEditor } from '../../query/PromQLEditor';
import { parseDuration } from '../../time/duration';
import { CheckField, SelectField, TextField } from '../fields';
import { isInstant, removeTarget, setInstant, updateTarget } from '../panelEdits';

interface Props {
  panel: PanelDocument;
  target: TargetDocument;
  onChange(panel: PanelDocument): void;
  /** Run the panel's queries now (Shift+Enter in the query). */
  onRun(): void;
  autoFocus?: boolean;
}

const FORMATS: readonly [TargetFormat, string][] = [
  ['time_series', 'Time series'],
  ['table', 'Table'],
  ['heatmap', 'Heatmap'],
];

function intervalProblem(text: string): string | null {
  if (!text || text.startsWith('$') || parseDuration(text) !== null) return null;
  return 'A duration such as 30s, 1m or 1h, or a variable such as $interval.';
}

/** One query of a panel: its PromQL, legend and how it is evaluated. */
export function TargetEditor({ panel, target, onChange, onRun, autoFocus }: Props) {
  const id = useId();
  const refId = target.refId;
  const change = (edit: Partial<TargetDocument>): void => onChange(updateTarget(panel, refId, edit));
  const interval = target.interval ?? '';
  return (
    <fieldset class={`target ${target.hide ? 'target-hidden' : ''}`}>
      <legend>Query {refId}</legend>
      <div class="target-actions">
        <CheckField
          label="Hide (not run, not drawn)"
          checked={Boolean(target.hide)}
          onChange={(hide) => change({ hide })}
        />
        <button type="button" class="control" onClick={() => onChange(removeTarget(panel, refId))}>
          Remove query {refId}
        </button>
      </div>
      <div class="field">
        <span class="field-label" aria-hidden="true">
          PromQL
        </span>
        <PromQLEditor
          id={`${id}-expr`}
          label={`Query ${refId}, PromQL expression`}
          value={target.expr ?? ''}
          onChange={(expr) => change({ expr })}
          onRun={onRun}
          autoFocus={autoFocus}
        />
        <p class="hint">Shift+Enter runs the queries now; they also run a moment after you stop typing.</p>
      </div>
      <div class="target-options">
        <TextField
          label="Legend"
          value={target.legendFormat ?? ''}
          placeholder="{{label}}"
          hint="Series names: {{job}} is the series' job label."
          onChange={(legendFormat) => change({ legendFormat })}
        />
        <TextField
          label="Min interval"
          value={interval}
          placeholder="15s"
          error={intervalProblem(interval)}
          onChange={(text) => change({ interval: text })}
        />
        <SelectField
          label="Format"
          value={target.format ?? 'time_series'}
          onChange={(format) =>
            change({ format: format === 'time_series' ? undefined : (format as TargetFormat) })
          }
          choices={FORMATS}
        />
        <fieldset class="segmented">
          <legend>Type</legend>
          {(['range', 'instant'] as const).map((kind) => (
            <label key={kind} class="segment">
              <input
                type="radio"
                name={`${id}-type`}
                checked={isInstant(target) === (kind === 'instant')}
                onChange={() => onChange(setInstant(panel, refId, kind === 'instant'))}
              />
              {kind === 'range' ? 'Range' : 'Instant'}
            </label>
          ))}
        </fieldset>
      </div>
    </fieldset>
  );
}
