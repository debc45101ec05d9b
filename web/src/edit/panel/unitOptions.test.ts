import { describe, expect, it } from 'vitest';
import { KNOWN_UNITS } from '../../format/units';
import { UNIT_GROUPS } from './unitOptions';

describe('unit picker', () => {
  it('offers exactly the units the panels can format', () => {
    const offered = UNIT_GROUPS.flatMap((group) => group.units.map(([id]) => id));
    expect([...offered].sort()).toEqual([...KNOWN_UNITS].sort());
  });
});
