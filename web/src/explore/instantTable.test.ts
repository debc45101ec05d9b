import { describe, expect, it } from 'vitest';
import type { PromQueryData } from '../api/types';
import { VALUE_COLUMN, instantTable, nextSort, sampleNumber, sortRows } from './instantTable';

const vector: PromQueryData = {
  resultType: 'vector',
  result: [
    { metric: { __name__: 'up', job: 'node', instance: 'b:9100' }, value: [1700000000.5, '1'] },
    { metric: { __name__: 'up', job: 'api', instance: 'a:9100', zone: 'eu' }, value: [1700000000.5, '0'] },
    { metric: { __name__: 'up', job: 'web', instance: 'c:9100' }, value: [1700000000.5, 'NaN'] },
    { metric: { __name__: 'up', job: 'db', instance: 'd:9100' }, value: [1700000000.5, '+Inf'] },
  ],
};

describe('instant result table', () => {
  it('has a column per label name, the metric name first', () => {
    const table = instantTable(vector);
    expect(table.labelColumns).toEqual(['__name__', 'instance', 'job', 'zone']);
    expect(table.evaluatedAtMs).toBe(1700000000500);
    expect(table.rows.map((row) => row.value)).toEqual(['1', '0', 'NaN', '+Inf']);
  });

  it('shows a scalar or a string as one row without labels', () => {
    const table = instantTable({ resultType: 'scalar', result: [1700000000, '2'] });
    expect(table.labelColumns).toEqual([]);
    expect(table.rows).toEqual([{ key: '{}', labels: {}, value: '2' }]);
    expect(instantTable({ resultType: 'string', result: [1700000000, 'a'] }).rows[0]?.value).toBe('a');
  });

  it("shows each series' newest sample of a range selector", () => {
    const table = instantTable({
      resultType: 'matrix',
      result: [
        {
          metric: { job: 'x' },
          values: [
            [1, '1'],
            [2, '5'],
          ],
        },
      ],
    });
    expect(table.rows.map((row) => row.value)).toEqual(['5']);
    expect(table.evaluatedAtMs).toBe(2000);
  });

  it('is empty for an empty vector', () => {
    expect(instantTable({ resultType: 'vector', result: [] })).toEqual({
      labelColumns: [],
      rows: [],
      evaluatedAtMs: null,
    });
  });

  it('gives every series a distinct key', () => {
    const keys = instantTable(vector).rows.map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sorts values as numbers, NaN last either way', () => {
    const rows = instantTable(vector).rows;
    const values = (direction: 'ascending' | 'descending'): string[] =>
      sortRows(rows, { column: VALUE_COLUMN, direction }).map((row) => row.value);
    expect(values('ascending')).toEqual(['0', '1', '+Inf', 'NaN']);
    expect(values('descending')).toEqual(['+Inf', '1', '0', 'NaN']);
  });

  it('sorts labels naturally, series without the label last', () => {
    const rows = instantTable(vector).rows;
    expect(sortRows(rows, { column: 'job', direction: 'descending' }).map((row) => row.labels.job)).toEqual([
      'web',
      'node',
      'db',
      'api',
    ]);
    expect(sortRows(rows, { column: 'zone', direction: 'ascending' })[0]?.labels.zone).toBe('eu');
    expect(sortRows(rows, { column: 'zone', direction: 'descending' })[0]?.labels.zone).toBe('eu');
  });

  it('flips the direction of the same column and starts others afresh', () => {
    expect(nextSort(null, 'job')).toEqual({ column: 'job', direction: 'ascending' });
    expect(nextSort({ column: 'job', direction: 'ascending' }, 'job').direction).toBe('descending');
    expect(nextSort({ column: 'job', direction: 'descending' }, VALUE_COLUMN)).toEqual({
      column: VALUE_COLUMN,
      direction: 'descending',
    });
  });

  it('reads Prometheus sample texts', () => {
    expect(sampleNumber('1e3')).toBe(1000);
    expect(sampleNumber('-Inf')).toBe(-Infinity);
    expect(Number.isNaN(sampleNumber('NaN'))).toBe(true);
  });
});
