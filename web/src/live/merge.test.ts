import { describe, expect, it } from 'vitest';
import type { PanelData } from '../api/types';
import { legendName } from './legend';
import { mergeLive } from './merge';
import type { LiveData } from './messages';
import { parseFrame } from './messages';

function panelData(frames: PanelData['frames']): PanelData {
  return {
    id: 3,
    type: 'timeseries',
    state: 'ok',
    errors: [],
    warnings: [],
    stepMs: 1000,
    fieldConfig: {
      thresholds: { mode: 'absolute', steps: [{ color: '#10B981' }, { color: '#EF4444', value: 10 }] },
    },
    frames,
  };
}

function message(extra: Partial<LiveData>): LiveData {
  return {
    type: 'data',
    id: 'p3',
    ref: 'A',
    computed_at: 0,
    start: 0,
    end: 5000,
    step: 1000,
    reset: false,
    series: [],
    ...extra,
  };
}

const CONTEXT = { legendFormat: '{{job}}', windowMs: 4000, calc: 'lastNotNull' };

describe('mergeLive', () => {
  it('appends only the points after those the panel holds, and drops those out of the window', () => {
    const before = panelData([
      { refId: 'A', name: 'api', labels: { job: 'api' }, timestamps: [1000, 2000, 3000], values: [1, 2, 3] },
    ]);
    const after = mergeLive(
      before,
      message({
        end: 6000,
        series: [{ labels: { job: 'api' }, timestamps: [3000, 4000, 5000, 6000], values: [3, 4, null, 12] }],
      }),
      CONTEXT,
    );
    expect(after.frames[0]?.timestamps).toEqual([2000, 3000, 4000, 5000, 6000]);
    expect(after.frames[0]?.values).toEqual([2, 3, 4, null, 12]);
    expect(after.frames[0]?.reduced).toEqual({
      calc: 'lastNotNull',
      value: 12,
      thresholdIndex: 1,
      color: '#EF4444',
    });
    expect(before.frames[0]?.timestamps).toEqual([1000, 2000, 3000]); // unchanged
  });

  it("replaces the query's series on a reset and keeps other queries", () => {
    const before = panelData([
      { refId: 'A', name: 'old', labels: { job: 'old' }, timestamps: [1000], values: [1] },
      { refId: 'B', name: 'b', labels: {}, timestamps: [1000], values: [7] },
    ]);
    const after = mergeLive(
      before,
      message({
        reset: true,
        series: [{ labels: { job: 'new' }, timestamps: [4000, 5000], values: [1, 2] }],
      }),
      CONTEXT,
    );
    expect(after.frames.map((frame) => [frame.refId, frame.name, frame.values])).toEqual([
      ['A', 'new', [1, 2]],
      ['B', 'b', [7]],
    ]);
  });

  it('keeps the order of queries so series keep their colours', () => {
    const before = panelData([
      { refId: 'A', name: 'a', labels: {}, timestamps: [4000], values: [1] },
      { refId: 'B', name: 'b', labels: {}, timestamps: [4000], values: [2] },
    ]);
    const after = mergeLive(
      before,
      message({ ref: 'A', series: [{ labels: {}, timestamps: [5000], values: [3] }] }),
      CONTEXT,
    );
    expect(after.frames.map((frame) => frame.refId)).toEqual(['A', 'B']);
  });

  it('adds series that appear, named by the legend format', () => {
    const after = mergeLive(
      panelData([]),
      message({ series: [{ labels: { job: 'web', instance: 'x' }, timestamps: [5000], values: [1] }] }),
      CONTEXT,
    );
    expect(after.frames[0]?.name).toBe('web');
    expect(after.state).toBe('ok');
  });

  it('says nodata when no point is left, and clears the error of the query it updated', () => {
    const before = { ...panelData([]), state: 'error' as const, errors: [{ refId: 'A', message: 'boom' }] };
    const after = mergeLive(before, message({ reset: true, series: [] }), CONTEXT);
    expect(after.errors).toEqual([]);
    expect(after.state).toBe('nodata');
  });
});

describe('live frames', () => {
  it('reads one message or an array of messages sent together', () => {
    expect(parseFrame('{"type":"pong"}')).toEqual([{ type: 'pong' }]);
    expect(parseFrame('[{"type":"pong"},{"type":"unsubscribed","id":"p1"},42]')).toHaveLength(2);
  });
});

describe('legendName', () => {
  it('fills the legend format, else names the series as a selector', () => {
    expect(legendName({ method: 'GET', route: '/x' }, '{{method}} {{ route }}')).toBe('GET /x');
    expect(legendName({ __name__: 'up', job: 'api', instance: 'a' })).toBe('up{instance="a", job="api"}');
    expect(legendName({})).toBe('value');
  });
});
