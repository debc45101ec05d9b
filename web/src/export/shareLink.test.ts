import { describe, expect, it } from 'vitest';
import { parseUrlState, viewState, type ViewState } from '../dashboard/urlState';
import { isRelative, shareSearch } from './shareLink';

const DEFAULTS = { time: { from: 'now-6h', to: 'now' }, refresh: '30s' };
const NOW = Date.UTC(2024, 2, 15, 12, 0, 0);
const VIEW: ViewState = {
  range: { from: 'now-1h', to: 'now' },
  vars: { job: ['api'] },
  refresh: '10s',
  live: true,
};

describe('shareSearch', () => {
  it('locks a relative range to the minutes on screen and drops live', () => {
    const search = shareSearch(VIEW, DEFAULTS, {}, { lockTime: true }, NOW);
    const opened = viewState(parseUrlState(search), DEFAULTS);
    expect(opened.range).toEqual({ from: String(NOW - 3_600_000), to: String(NOW) });
    expect(opened.live).toBe(false);
    expect(opened.refresh).toBe('10s');
  });

  it('keeps the expressions and live when the range is not locked', () => {
    const search = shareSearch(VIEW, DEFAULTS, {}, { lockTime: false }, NOW);
    expect(viewState(parseUrlState(search), DEFAULTS)).toEqual(VIEW);
  });

  it('writes the range even when it is the dashboard default', () => {
    const view = { ...VIEW, range: DEFAULTS.time, live: false };
    const params = new URLSearchParams(shareSearch(view, DEFAULTS, {}, { lockTime: false }, NOW));
    expect([params.get('from'), params.get('to')]).toEqual(['now-6h', 'now']);
  });

  it('keeps an absolute range (a drag-zoom) as it is', () => {
    const zoomed = { ...VIEW, range: { from: '1710496800000', to: '1710498600000' }, live: false };
    const opened = parseUrlState(shareSearch(zoomed, DEFAULTS, {}, { lockTime: true }, NOW));
    expect(opened.range).toEqual(zoomed.range);
  });

  it('names every variable: the resolved defaults, overridden by the view', () => {
    const search = shareSearch(
      VIEW,
      DEFAULTS,
      { job: ['web'], project: ['atlas', 'borealis'] },
      { lockTime: true },
      NOW,
    );
    expect(parseUrlState(search).vars).toEqual({ job: ['api'], project: ['atlas', 'borealis'] });
  });

  it('adds the theme and the panel shown alone when asked', () => {
    const params = new URLSearchParams(
      shareSearch(VIEW, DEFAULTS, {}, { lockTime: true, theme: 'light', viewPanel: 7 }, NOW),
    );
    expect(params.get('theme')).toBe('light');
    expect(parseUrlState(`?${params}`).viewPanel).toBe(7);
  });

  it('keeps the panel the view shows alone', () => {
    const search = shareSearch({ ...VIEW, viewPanel: 3 }, DEFAULTS, {}, { lockTime: false }, NOW);
    expect(parseUrlState(search).viewPanel).toBe(3);
  });
});

describe('isRelative', () => {
  it('is true when either end follows the clock', () => {
    expect(isRelative({ from: 'now-2d', to: 'now-1d' })).toBe(true);
    expect(isRelative({ from: '1710496800000', to: 'now' })).toBe(true);
    expect(isRelative({ from: '1710496800000', to: '1710498600000' })).toBe(false);
  });
});
