import { describe, expect, it } from 'vitest';
import { durationSteps } from './axisSteps';

describe('durationSteps', () => {
  it('steps through minutes and hours as clocks do', () => {
    const steps = durationSteps('s') ?? [];
    expect(steps).toEqual(expect.arrayContaining([15, 60, 300, 900, 3600]));
    expect(steps).not.toContain(200);
  });

  it('scales to the unit of the values', () => {
    expect(durationSteps('ms')).toContain(60_000);
  });

  it('leaves other units to the default steps', () => {
    expect(durationSteps('bytes')).toBeUndefined();
    expect(durationSteps(undefined)).toBeUndefined();
  });
});
