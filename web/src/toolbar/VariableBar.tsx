import type { Variable, VariableAnswer } from '../api/types';
import { VariablePicker } from './VariablePicker';

interface Props {
  variables: Variable[] | undefined;
  /** Each variable's options and current values, as the data API resolved them. */
  answers: Record<string, VariableAnswer>;
  /** The values chosen in the URL, by variable name. */
  chosen: Record<string, string[]>;
  onChange(name: string, values: string[]): void;
}

/** A dashboard's variable pickers in a row, leaving out the hidden ones (nothing when none). */
export function VariableBar({ variables, answers, chosen, onChange }: Props) {
  const shown = (variables ?? []).filter((variable) => variable.hide !== 2);
  if (!shown.length) return null;
  return (
    <div class="variables" role="group" aria-label="Dashboard variables">
      {shown.map((variable) => (
        <VariablePicker
          key={variable.name}
          variable={variable}
          answer={answers[variable.name]}
          chosen={chosen[variable.name]}
          onChange={(values) => onChange(variable.name, values)}
        />
      ))}
    </div>
  );
}
