import { describe, expect, it } from 'vitest';
import type { PanelDocument } from '../api/documentTypes';
import {
  addTarget,
  calculationOf,
  isInstant,
  nextRefId,
  removeTarget,
  setCalculation,
  setDefault,
  setInstant,
  updateTarget,
} from './panelEdits';
import { addStep, removeStep, setStepValue, DEFAULT_THRESHOLDS } from './thresholdEdits';

const panel: PanelDocument = {
  id: 1,
  type: 'stat',
  gridPos: { x: 0, y: 0, w: 6, h: 4 },
  targets: [{ refId: 'A', expr: 'up' }],
};

describe('queries', () => {
  it('names new queries with the next free letter, as Grafana does', () => {
    expect(nextRefId([])).toBe('A');
    expect(nextRefId([{ refId: 'A' }, { refId: 'C' }])).toBe('B');
    const letters = Array.from({ length: 26 }, (_, i) => ({ refId: String.fromCharCode(65 + i) }));
    expect(nextRefId(letters)).toBe('AA');
    expect(addTarget(panel).targets!.map((t) => t.refId)).toEqual(['A', 'B']);
  });

  it('edits one query and drops options set back to their default', () => {
    const legend = updateTarget(panel, 'A', { legendFormat: '{{job}}', hide: true });
    expect(legend.targets![0]).toEqual({ refId: 'A', expr: 'up', legendFormat: '{{job}}', hide: true });
    const cleared = updateTarget(legend, 'A', { legendFormat: '', hide: false });
    expect(cleared.targets![0]).toEqual({ refId: 'A', expr: 'up' });
    expect(removeTarget(panel, 'A').targets).toEqual([]);
  });

  it('switches a query between range and instant', () => {
    const instant = setInstant(panel, 'A', true);
    expect(instant.targets![0]).toMatchObject({ instant: true, range: false });
    expect(isInstant(instant.targets![0]!)).toBe(true);
    expect(setInstant(instant, 'A', false).targets![0]).toEqual({ refId: 'A', expr: 'up' });
  });
});

describe('field defaults and reduction', () => {
  it('sets and clears a default without touching the others', () => {
    const withUnit = setDefault(setDefault(panel, 'unit', 'percentunit'), 'decimals', 1);
    expect(withUnit.fieldConfig).toEqual({ defaults: { unit: 'percentunit', decimals: 1 } });
    expect(setDefault(withUnit, 'unit', undefined).fieldConfig).toEqual({ defaults: { decimals: 1 } });
  });

  it('reads and writes the calculation of reduceOptions, keeping its other keys', () => {
    expect(calculationOf(panel)).toBe('lastNotNull');
    const mean = setCalculation({ ...panel, options: { reduceOptions: { values: false } } }, 'mean');
    expect(mean.options).toEqual({ reduceOptions: { values: false, calcs: ['mean'] } });
    expect(calculationOf(mean)).toBe('mean');
  });
});

describe('thresholds', () => {
  it('keeps the base step first and the others ascending', () => {
    const added = addStep(DEFAULT_THRESHOLDS);
    expect(added.steps.map((s) => s.value)).toEqual([null, 80, 90]);
    const moved = setStepValue(added, 2, 50);
    expect(moved.steps.map((s) => s.value)).toEqual([null, 50, 80]);
    expect(removeStep(moved, 0)).toBe(moved); // the base step cannot go
    expect(removeStep(moved, 1).steps.map((s) => s.value)).toEqual([null, 80]);
    expect(setStepValue(moved, 1, Number.NaN)).toBe(moved);
  });
});
