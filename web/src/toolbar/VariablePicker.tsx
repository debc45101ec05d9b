import { useEffect, useRef } from 'preact/hooks';
import type { Variable, VariableAnswer } from '../api/types';

const ALL = '$__all';

interface Props {
  variable: Variable;
  answer: VariableAnswer | undefined;
  chosen: string[] | undefined;
  onChange(values: string[]): void;
}

/** After ticking `value` in a multi-value list: "All" and single values exclude each other. */
export function toggleValue(current: string[], value: string, checked: boolean): string[] {
  if (value === ALL) return checked ? [ALL] : [];
  const others = current.filter((item) => item !== ALL && item !== value);
  return checked ? [...others, value] : others;
}

function selectionText(values: string[], answer: VariableAnswer | undefined): string {
  if (!values.length) return 'None';
  const text = (value: string): string =>
    answer?.options.find((option) => option.value === value)?.text ?? value;
  return values.length > 2 ? `${text(values[0]!)} + ${values.length - 1}` : values.map(text).join(', ');
}

/** A <details> drop-down that also closes on Escape and on a click elsewhere, as menus do. */
function useClosingDetails() {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (event: Event): void => {
      const details = ref.current;
      if (!details?.open) return;
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return;
        details.open = false;
        details.querySelector('summary')?.focus();
      } else if (!details.contains(event.target as Node)) {
        details.open = false;
      }
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  return ref;
}

/** One dashboard variable: a drop-down, or a list of check boxes for multi-value variables. */
export function VariablePicker({ variable, answer, chosen, onChange }: Props) {
  const detailsRef = useClosingDetails();
  if (variable.hide === 2) return null;
  const values = chosen ?? answer?.current ?? variable.current ?? [];
  const label = variable.hide === 1 ? '' : variable.label || variable.name;
  const options = answer?.options ?? values.map((value) => ({ text: value, value }));
  const id = `var-${variable.name}`;
  if (!variable.multi) {
    return (
      <div class="variable">
        <label for={id} class={label ? undefined : 'sr-only'}>
          {label || variable.name}
        </label>
        <select
          id={id}
          class="control"
          value={values[0] ?? ''}
          onChange={(event) => onChange([event.currentTarget.value])}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.text}
            </option>
          ))}
        </select>
      </div>
    );
  }
  return (
    <div class="variable">
      <span class={label ? 'variable-label' : 'sr-only'} id={`${id}-label`}>
        {label || variable.name}
      </span>
      <details class="multi-select" ref={detailsRef}>
        <summary class="control" aria-describedby={`${id}-label`}>
          {selectionText(values, answer)}
        </summary>
        <fieldset class="popover">
          <legend class="sr-only">{label || variable.name}</legend>
          {options.map((option) => (
            <label key={option.value} class="check">
              <input
                type="checkbox"
                checked={values.includes(option.value)}
                onChange={(event) => onChange(toggleValue(values, option.value, event.currentTarget.checked))}
              />
              {option.text}
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}
