// Dashboard variables as the settings edit them. Each kind has its own fields and the server
// refuses a field its kind does not have (pulseboard/dashboards/variables.py), so changing a
// variable's kind keeps only what the new kind knows.

import type { VariableDocument, VariableType } from '../api/documentTypes';

export const VARIABLE_TYPES: readonly { type: VariableType; name: string; hint: string }[] = [
  {
    type: 'query',
    name: 'Query',
    hint: 'Values from the data: label_values(up, job), a selector, metrics(...)',
  },
  {
    type: 'custom',
    name: 'Custom',
    hint: 'Values written out, separated by commas: a, b, c (or text : value)',
  },
  { type: 'interval', name: 'Interval', hint: 'Durations to choose from, for $interval in queries' },
  { type: 'constant', name: 'Constant', hint: 'A fixed value, hidden from viewers' },
  { type: 'textbox', name: 'Text box', hint: 'Free text that viewers type' },
];

const COMMON = ['name', 'type', 'label', 'description', 'hide', 'current'] as const;
const MULTI = ['multi', 'includeAll', 'allValue'] as const;

const FIELDS: Record<VariableType, readonly (keyof VariableDocument)[]> = {
  query: [...COMMON, ...MULTI, 'query', 'regex', 'sort', 'refresh'],
  custom: [...COMMON, ...MULTI, 'query'],
  interval: [...COMMON, 'query', 'auto', 'autoCount', 'autoMin'],
  constant: [...COMMON, 'query'],
  textbox: [...COMMON, 'query'],
};

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function allowsMultipleValues(type: VariableType): boolean {
  return FIELDS[type].includes('multi');
}

/** A first definition per kind: what the server needs for each to be valid. */
function starter(type: VariableType): Partial<VariableDocument> {
  switch (type) {
    case 'query':
      return { query: 'label_values(up, job)', refresh: 1 };
    case 'custom':
      return { query: 'a, b, c' };
    case 'interval':
      return { query: '1m,10m,30m,1h,6h,12h,1d,7d,14d,30d' };
    case 'constant':
      return { query: '' };
    case 'textbox':
      return { query: '' };
  }
}

function unusedName(taken: readonly VariableDocument[]): string {
  const names = new Set(taken.map((variable) => variable.name));
  let index = 0;
  while (names.has(`query${index}`)) index += 1;
  return `query${index}`;
}

export function newVariable(existing: readonly VariableDocument[]): VariableDocument {
  return { name: unusedName(existing), type: 'query', ...starter('query') };
}

/** The same variable as another kind: its shared fields kept, a valid start for the rest. */
export function changeVariableType(variable: VariableDocument, type: VariableType): VariableDocument {
  if (variable.type === type) return variable;
  const kept: Partial<VariableDocument> = {};
  for (const key of FIELDS[type]) {
    if (key !== 'query' && key !== 'current' && variable[key] !== undefined) {
      (kept as Record<string, unknown>)[key] = variable[key];
    }
  }
  // Values chosen among the old kind's options mean nothing for the new one.
  return { ...starter(type), ...kept, name: variable.name, type };
}

export function updateVariable(
  variables: readonly VariableDocument[],
  index: number,
  change: Partial<VariableDocument>,
): VariableDocument[] {
  return variables.map((variable, position) => {
    if (position !== index) return variable;
    const next: Record<string, unknown> = { ...variable, ...change };
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete next[key];
    return next as unknown as VariableDocument;
  });
}

export function moveVariable(
  variables: readonly VariableDocument[],
  index: number,
  offset: -1 | 1,
): VariableDocument[] {
  const target = index + offset;
  if (target < 0 || target >= variables.length) return [...variables];
  const moved = [...variables];
  [moved[index], moved[target]] = [moved[target]!, moved[index]!];
  return moved;
}

export function removeVariable(variables: readonly VariableDocument[], index: number): VariableDocument[] {
  return variables.filter((_, position) => position !== index);
}

/** What is wrong with a variable's name among the others, or null. */
export function nameProblem(variables: readonly VariableDocument[], index: number): string | null {
  const name = variables[index]?.name ?? '';
  if (!VARIABLE_NAME.test(name)) return 'A name starts with a letter or _, then letters, digits or _.';
  if (name.startsWith('__')) return 'Names starting with __ are reserved for built-in variables.';
  const first = variables.findIndex((variable) => variable.name === name);
  return first !== index ? `Another variable is named ${name}.` : null;
}
