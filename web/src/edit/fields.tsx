// The editor's form fields: a label over each control, an optional hint and error tied to it
// for screen readers, and values that are only passed on once they are valid.

import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import './fields.css';

interface FieldProps {
  label: string;
  hint?: ComponentChildren;
  error?: string | null;
  class?: string;
}

function describedBy(hintId: string, errorId: string, props: FieldProps): string | undefined {
  return [props.hint ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ') || undefined;
}

function Field(props: FieldProps & { id: string; children: ComponentChildren }) {
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={`${props.id}-error`} class="form-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

interface TextProps extends FieldProps {
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  multiline?: boolean;
  required?: boolean;
  /** Plain text (titles, descriptions) is checked for spelling; expressions are not. */
  prose?: boolean;
  autoFocus?: boolean;
}

export function TextField(props: TextProps) {
  const id = useId();
  const common = {
    id,
    value: props.value,
    placeholder: props.placeholder,
    required: props.required,
    spellcheck: Boolean(props.prose),
    autoFocus: props.autoFocus,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy(`${id}-hint`, `${id}-error`, props),
  };
  return (
    <Field {...props} id={id}>
      {props.multiline ? (
        <textarea {...common} rows={3} onInput={(event) => props.onChange(event.currentTarget.value)} />
      ) : (
        <input {...common} type="text" onInput={(event) => props.onChange(event.currentTarget.value)} />
      )}
    </Field>
  );
}

interface NumberProps extends FieldProps {
  value: number | undefined;
  /** undefined: the field was emptied. Called only with numbers, never with a half-typed one. */
  onChange(value: number | undefined): void;
  placeholder?: string;
  integer?: boolean;
  min?: number;
  /** Pass the value on when the field is left or Enter is pressed, not at every key. */
  commitOnChange?: boolean;
}

function parseNumber(text: string, integer: boolean | undefined, min: number | undefined): number | null {
  const value = Number(text);
  if (!text.trim() || !Number.isFinite(value)) return null;
  if (integer && !Number.isInteger(value)) return null;
  if (min !== undefined && value < min) return null;
  return value;
}

export function NumberField(props: NumberProps) {
  const id = useId();
  const [text, setText] = useState(props.value === undefined ? '' : String(props.value));
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    // A value changed elsewhere (discard, another control) replaces what is typed.
    if (parseNumber(text, props.integer, props.min) !== (props.value ?? null)) {
      setText(props.value === undefined ? '' : String(props.value));
      setInvalid(false);
    }
  }, [props.value]);
  const take = (next: string): void => {
    setText(next);
    if (!next.trim()) {
      setInvalid(false);
      props.onChange(undefined);
      return;
    }
    const value = parseNumber(next, props.integer, props.min);
    setInvalid(value === null);
    if (value !== null) props.onChange(value);
  };
  const kind = props.integer ? 'a whole number' : 'a number';
  const error = invalid
    ? `Enter ${kind}${props.min !== undefined ? ` from ${props.min}` : ''}.`
    : props.error;
  return (
    <Field {...props} id={id} error={error}>
      <input
        id={id}
        type="text"
        inputMode={props.integer ? 'numeric' : 'decimal'}
        value={text}
        placeholder={props.placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, { ...props, error })}
        onInput={(event) =>
          props.commitOnChange ? setText(event.currentTarget.value) : take(event.currentTarget.value)
        }
        onChange={(event) => props.commitOnChange && take(event.currentTarget.value)}
      />
    </Field>
  );
}

/** A choice: its value, and the words shown for it. */
export type Choice = readonly [value: string, text: string];

interface SelectProps extends FieldProps {
  value: string;
  onChange(value: string): void;
  /** The options; `children` for anything more (groups, an extra option before them). */
  choices?: readonly Choice[];
  children?: ComponentChildren;
}

export function SelectField(props: SelectProps) {
  const id = useId();
  return (
    <Field {...props} id={id}>
      <select
        id={id}
        class="control"
        value={props.value}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, props)}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        {props.children}
        {props.choices?.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

interface CheckProps {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  hint?: string;
}

export function CheckField({ label, checked, onChange, hint }: CheckProps) {
  const id = useId();
  return (
    <div class="field check-field">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <label for={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
