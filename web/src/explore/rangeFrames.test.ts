import { describe, expect, it } from 'vitest';
import { rangeFrames, seriesName } from './rangeFrames';
import { rangeStepMs } from './rangeStep';

describe('range answer to frames', () => {
  it('names series as Prometheus prints them', () => {
    expect(seriesName({ __name__: 'up', job: 'node', instance: 'a:1' })).toBe(
      'up{instance="a:1", job="node"}',
    );
    expect(seriesName({ job: 'x' })).toBe('{job="x"}');
    expect(seriesName({ __name__: 'up' })).toBe('up');
    expect(seriesName({})).toBe('{}');
  });

  it('turns a matrix into frames in ms, gaps for values a chart cannot draw', () => {
    const frames = rangeFrames({
      resultType: 'matrix',
      result: [
        {
          metric: { job: 'x' },
          values: [
            [1700000000, '1.5'],
            [1700000015.5, 'NaN'],
            [1700000030, '+Inf'],
          ],
        },
      ],
    });
    expect(frames).toEqual([
      {
        refId: 'A',
        name: '{job="x"}',
        labels: { job: 'x' },
        timestamps: [1700000000000, 1700000015500, 1700000030000],
        values: [1.5, null, null],
      },
    ]);
  });

  it('has no frames for other answers', () => {
    expect(rangeFrames({ resultType: 'vector', result: [] })).toEqual([]);
  });
});

describe('range query step', () => {
  it('gives about a point per pixel, rounded up to a recognisable step', () => {
    expect(rangeStepMs(3_600_000, 1200)).toBe(5_000); // 3 s wanted
    expect(rangeStepMs(6 * 3_600_000, 1200)).toBe(30_000); // 18 s wanted
    expect(rangeStepMs(7 * 86_400_000, 1000)).toBe(15 * 60_000); // ~10 min wanted
  });

  it('never goes below a second nor above what the server allows', () => {
    expect(rangeStepMs(60_000, 2000)).toBe(1_000);
    expect(rangeStepMs(10 * 365 * 86_400_000, 100_000)).toBeGreaterThanOrEqual(
      (10 * 365 * 86_400_000) / 11_000,
    );
  });

  it('takes whole days past a day', () => {
    expect(rangeStepMs(1000 * 86_400_000, 100)).toBe(10 * 86_400_000);
  });
});
