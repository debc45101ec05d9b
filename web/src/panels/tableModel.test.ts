import { describe, expect, it } from 'vitest';
import type { Frame } from '../api/types';
import { initialOrder, sortRows, tableModel } from './tableModel';

function frame(labels: Record<string, string>, value: number | null): Frame {
  return { refId: 'A', name: labels.model ?? 'x', labels, timestamps: [1], values: [value] };
}

const FRAMES = [
  frame({ __name__: 'cost', model: 'gpt-4o', provider: 'openai' }, 12.5),
  frame({ model: 'claude-3', provider: 'anthropic' }, 30),
  frame({ model: 'llama-3.1-8b', provider: 'local' }, null),
  frame({ model: 'llama-3.1-70b', provider: 'local' }, 2),
];

describe('table model', () => {
  it('has a column per label (but the metric name) and the value last', () => {
    const model = tableModel(FRAMES);
    expect(model.columns).toEqual(['model', 'provider', 'Value']);
    expect(model.rows[0]?.cells).toEqual(['gpt-4o', 'openai']);
  });

  it('names series without labels in one column', () => {
    expect(tableModel([{ ...frame({}, 1), name: 'total' }]).columns).toEqual(['Series', 'Value']);
  });

  it('sorts values as numbers, with missing ones last either way', () => {
    const model = tableModel(FRAMES);
    expect(sortRows(model, { column: 2, descending: true }).map((row) => row.value)).toEqual([
      30,
      12.5,
      2,
      null,
    ]);
    expect(sortRows(model, { column: 2, descending: false }).map((row) => row.value)).toEqual([
      2,
      12.5,
      30,
      null,
    ]);
  });

  it('sorts text naturally (8b before 70b)', () => {
    const model = tableModel(FRAMES);
    expect(sortRows(model, { column: 0, descending: false }).map((row) => row.cells[0])).toEqual([
      'claude-3',
      'gpt-4o',
      'llama-3.1-8b',
      'llama-3.1-70b',
    ]);
  });

  it("starts from the panel's sortBy option", () => {
    const model = tableModel(FRAMES);
    expect(initialOrder(model, { sortBy: [{ displayName: 'provider', desc: true }] })).toEqual({
      column: 1,
      descending: true,
    });
    expect(initialOrder(model, { sortBy: [{ displayName: 'Total cost', desc: true }] })).toEqual({
      column: 2,
      descending: true,
    });
    expect(initialOrder(model, {})).toBeNull();
  });
});
