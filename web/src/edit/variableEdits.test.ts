import { describe, expect, it } from 'vitest';
import type { VariableDocument } from '../api/documentTypes';
import { changeVariableType, moveVariable, nameProblem, newVariable, updateVariable } from './variableEdits';

const job: VariableDocument = {
  name: 'job',
  type: 'query',
  label: 'Job',
  query: 'label_values(up, job)',
  regex: '/api.*/',
  multi: true,
  includeAll: true,
  current: ['api'],
};

describe('variables', () => {
  it('starts a new variable with a free name and a valid query', () => {
    expect(newVariable([])).toMatchObject({ name: 'query0', type: 'query', query: 'label_values(up, job)' });
    expect(newVariable([{ ...job, name: 'query0' }]).name).toBe('query1');
  });

  it('changes kind keeping the fields both kinds have and nothing the new kind refuses', () => {
    const custom = changeVariableType(job, 'custom');
    expect(custom).toEqual({
      name: 'job',
      type: 'custom',
      label: 'Job',
      multi: true,
      includeAll: true,
      query: 'a, b, c',
    });
    const constant = changeVariableType(custom, 'constant');
    expect(constant).toEqual({ name: 'job', type: 'constant', label: 'Job', query: '' });
  });

  it('edits, removes an emptied field and reorders', () => {
    const edited = updateVariable([job], 0, { regex: undefined, label: 'Service' });
    expect(edited[0]).not.toHaveProperty('regex');
    expect(edited[0]!.label).toBe('Service');
    const two = [job, { ...job, name: 'instance' }];
    expect(moveVariable(two, 1, -1).map((v) => v.name)).toEqual(['instance', 'job']);
    expect(moveVariable(two, 1, 1).map((v) => v.name)).toEqual(['job', 'instance']);
  });

  it('says what is wrong with a name', () => {
    expect(nameProblem([job], 0)).toBeNull();
    expect(nameProblem([{ ...job, name: '1st' }], 0)).toMatch(/starts with a letter/);
    expect(nameProblem([job, job], 1)).toMatch(/Another variable/);
    expect(nameProblem([{ ...job, name: '__range' }], 0)).toMatch(/reserved/);
  });
});
