import { useState } from 'preact/hooks';
import type { DashboardDocument, VariableDocument, VariableType } from '../../api/documentTypes';
import { CheckField, NumberField, SelectField, TextField, type Choice } from '../fields';
import { IconButton } from '../IconButton';
import {
  VARIABLE_TYPES,
  allowsMultipleValues,
  changeVariableType,
  moveVariable,
  nameProblem,
  newVariable,
  removeVariable,
  updateVariable,
} from '../variableEdits';

interface Props {
  dashboard: DashboardDocument;
  onChange(dashboard: DashboardDocument): void;
}

const HIDE_CHOICES: readonly Choice[] = [
  ['0', 'Label and value'],
  ['1', 'Value only'],
  ['2', 'Nothing (hidden)'],
];

const QUERY_LABELS: Record<VariableType, string> = {
  query: 'Query',
  custom: 'Values, separated by commas',
  interval: 'Intervals, separated by commas',
  constant: 'Value',
  textbox: 'Default text',
};

function VariableForm({
  variables,
  index,
  onChange,
}: {
  variables: VariableDocument[];
  index: number;
  onChange(variables: VariableDocument[]): void;
}) {
  const variable = variables[index]!;
  const change = (edit: Partial<VariableDocument>): void => onChange(updateVariable(variables, index, edit));
  const kind = VARIABLE_TYPES.find((candidate) => candidate.type === variable.type);
  // A text field of an optional setting: emptied, the setting is left out.
  const optional = (key: 'label' | 'description' | 'regex' | 'allValue') => ({
    value: variable[key] ?? '',
    onChange: (text: string) => change({ [key]: text || undefined }),
  });
  return (
    <div class="variable-form">
      <div class="field-pair">
        <TextField
          label="Name"
          value={variable.name}
          error={nameProblem(variables, index)}
          hint={`Queries use it as $${variable.name || 'name'}.`}
          onChange={(name) => change({ name })}
        />
        <SelectField
          label="Type"
          value={variable.type}
          hint={kind?.hint}
          onChange={(type) =>
            onChange(
              variables.map((item, position) =>
                position === index ? changeVariableType(item, type as VariableType) : item,
              ),
            )
          }
          choices={VARIABLE_TYPES.map(({ type, name }) => [type, name] as const)}
        />
      </div>
      <div class="field-pair">
        <TextField label="Label" prose {...optional('label')} />
        <SelectField
          label="Show"
          value={String(variable.hide ?? 0)}
          onChange={(hide) => change({ hide: Number(hide) as 0 | 1 | 2 })}
          choices={HIDE_CHOICES}
        />
      </div>
      <TextField label="Description" prose {...optional('description')} />
      <TextField
        label={QUERY_LABELS[variable.type]}
        value={variable.query ?? ''}
        required={variable.type === 'query'}
        error={
          variable.type === 'query' && !variable.query?.trim() ? 'A query variable needs a query.' : null
        }
        onChange={(query) => change({ query })}
      />
      {variable.type === 'query' && (
        <TextField
          label="Regex"
          placeholder="/(.*)-prod/"
          hint="Keeps the values it matches; a capture group becomes the value."
          {...optional('regex')}
        />
      )}
      {variable.type === 'interval' && (
        <>
          <CheckField
            label="Auto option"
            checked={Boolean(variable.auto)}
            onChange={(auto) => change({ auto: auto || undefined })}
          />
          {variable.auto && (
            <div class="field-pair">
              <NumberField
                label="Step count"
                integer
                min={1}
                value={variable.autoCount ?? 30}
                onChange={(autoCount) => change({ autoCount })}
              />
              <TextField
                label="Min interval"
                value={variable.autoMin ?? '10s'}
                onChange={(autoMin) => change({ autoMin })}
              />
            </div>
          )}
        </>
      )}
      {allowsMultipleValues(variable.type) && (
        <>
          <CheckField
            label="Multi-value"
            hint="Viewers can pick several values."
            checked={Boolean(variable.multi)}
            onChange={(multi) => change({ multi: multi || undefined })}
          />
          <CheckField
            label="Include All option"
            checked={Boolean(variable.includeAll)}
            onChange={(includeAll) =>
              change({ includeAll: includeAll || undefined, ...(includeAll ? {} : { allValue: undefined }) })
            }
          />
          {variable.includeAll && (
            <TextField
              label="Custom all value"
              placeholder=".*"
              hint="Empty: All becomes every value, as a regular expression (a|b|c)."
              {...optional('allValue')}
            />
          )}
        </>
      )}
    </div>
  );
}

/** The dashboard's variables: a list to add to, reorder and remove from, and the chosen one's form. */
export function VariablesEditor({ dashboard, onChange }: Props) {
  const variables = dashboard.variables ?? [];
  const [selected, setSelected] = useState(0);
  const write = (next: VariableDocument[]): void => onChange({ ...dashboard, variables: next });
  const chosen = Math.min(selected, variables.length - 1);
  return (
    <div class="variables-editor">
      <div class="variable-list">
        {variables.length ? (
          <ul aria-label="Variables">
            {variables.map((variable, index) => (
              <li key={index} class={index === chosen ? 'selected' : ''}>
                <button
                  type="button"
                  class="variable-name"
                  aria-current={index === chosen ? 'true' : undefined}
                  onClick={() => setSelected(index)}
                >
                  ${variable.name} <span class="muted">{variable.type}</span>
                </button>
                <IconButton
                  label={`Move $${variable.name} up`}
                  disabled={index === 0}
                  onClick={() => {
                    write(moveVariable(variables, index, -1));
                    setSelected(index - 1);
                  }}
                >
                  ↑
                </IconButton>
                <IconButton
                  label={`Move $${variable.name} down`}
                  disabled={index === variables.length - 1}
                  onClick={() => {
                    write(moveVariable(variables, index, 1));
                    setSelected(index + 1);
                  }}
                >
                  ↓
                </IconButton>
                <IconButton
                  label={`Remove $${variable.name}`}
                  onClick={() => write(removeVariable(variables, index))}
                >
                  ✕
                </IconButton>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">
            No variables. Variables let viewers choose what the panels show, as $name in queries.
          </p>
        )}
        <button
          type="button"
          class="control"
          onClick={() => {
            write([...variables, newVariable(variables)]);
            setSelected(variables.length);
          }}
        >
          Add variable
        </button>
      </div>
      {chosen >= 0 && <VariableForm key={chosen} variables={variables} index={chosen} onChange={write} />}
    </div>
  );
}
