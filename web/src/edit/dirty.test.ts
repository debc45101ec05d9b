import { describe, expect, it } from 'vitest';
import type { DashboardDocument, PanelDocument } from '../api/documentTypes';
import { addPanel, removePanel } from './dashboardEdits';
import { sameDocument } from './dirty';
import { describeProblem } from './problems';
import { setDefault } from './panelEdits';

const stat: PanelDocument = { id: 1, type: 'stat', title: 'Queue', gridPos: { x: 0, y: 0, w: 6, h: 4 } };
const saved: DashboardDocument = {
  uid: 'd',
  title: 'D',
  time: { from: 'now-6h', to: 'now' },
  panels: [stat],
  variables: [{ name: 'job', type: 'custom', query: 'a' }],
};

describe('dirty tracking', () => {
  it('sees a change, and no change once it is undone', () => {
    const added = addPanel(saved);
    expect(sameDocument(saved, added.dashboard)).toBe(false);
    expect(sameDocument(saved, removePanel(added.dashboard, added.id))).toBe(true);
    // As the server stores panels: with their field config written out.
    const stored = { ...stat, fieldConfig: { defaults: {}, overrides: [] } };
    const unit = setDefault(stored, 'unit', 'short');
    expect(sameDocument(stored, unit)).toBe(false);
    expect(sameDocument(stored, setDefault(unit, 'unit', undefined))).toBe(true);
  });

  it('ignores key order and keys left undefined', () => {
    const reordered = {
      panels: saved.panels,
      time: saved.time,
      title: 'D',
      uid: 'd',
      variables: saved.variables,
    };
    expect(sameDocument(saved, reordered)).toBe(true);
    expect(sameDocument(saved, { ...saved, description: undefined })).toBe(true);
    expect(sameDocument(saved, { ...saved, description: '' })).toBe(false);
  });
});

describe('problems', () => {
  it('names the panel or variable a problem is about', () => {
    expect(describeProblem({ path: 'panels[0].gridPos.w', message: 'too wide' }, saved)).toEqual({
      subject: 'Panel “Queue”',
      field: 'gridPos.w',
      path: 'panels[0].gridPos.w',
      message: 'too wide',
    });
    expect(describeProblem({ path: 'variables[0].query', message: 'x' }, saved).subject).toBe(
      'Variable “job”',
    );
    expect(describeProblem({ path: 'time.from', message: 'x' }, saved)).toMatchObject({
      subject: 'Dashboard',
      field: 'time.from',
    });
  });
});
