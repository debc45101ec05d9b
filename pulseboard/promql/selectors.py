"""Vector and matrix selectors: one storage read per selector, then pure numpy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np
import promql_parser as pp

from pulseboard.model.labels import METRIC_NAME
from pulseboard.model.matchers import InvalidMatcherError, Matcher, MatchType
from pulseboard.model.samples import Int64Array, stale_mask
from pulseboard.promql.api import QueryParseError
from pulseboard.promql.context import EvalContext
from pulseboard.promql.regex import to_python
from pulseboard.promql.values import BoolArray, RangeData, Steps
from pulseboard.promql.windows import bounds, series_ids
from pulseboard.storage.protocol import SeriesSet

_MATCH_TYPES = {
    "MatchOp.Equal": MatchType.EQUAL,
    "MatchOp.NotEqual": MatchType.NOT_EQUAL,
    "MatchOp.Re": MatchType.REGEX,
    "MatchOp.NotRe": MatchType.NOT_REGEX,
}


def duration_ms(value: timedelta | None) -> int:
    if value is None:
        return 0
    return (value.days * 86_400 + value.seconds) * 1000 + value.microseconds // 1000


def to_matchers(vs: pp.VectorSelector) -> list[Matcher]:
    result: list[Matcher] = []
    try:
        if vs.name is not None:
            result.append(Matcher.create(METRIC_NAME, MatchType.EQUAL, vs.name))
        for item in vs.matchers.matchers:
            kind = _MATCH_TYPES[str(item.op)]
            value = item.value
            if kind in (MatchType.REGEX, MatchType.NOT_REGEX):
                value = to_python(value)
            result.append(Matcher.create(item.name, kind, value))
    except InvalidMatcherError as exc:
        raise QueryParseError(f"1:1: parse error: {exc}") from None
    return result


def at_ms(ctx: EvalContext, at: pp.AtModifier | None) -> int | None:
    if at is None:
        return None
    kind = str(at.type)
    if kind.endswith("Start"):
        return ctx.start_ms
    if kind.endswith("End"):
        return ctx.end_ms
    moment = at.at
    assert isinstance(moment, datetime)
    delta = moment - datetime(1970, 1, 1, tzinfo=moment.tzinfo)
    return duration_ms(delta)


def effective_times(
    ctx: EvalContext, ts: Int64Array, offset: timedelta | None, at: pp.AtModifier | None
) -> Int64Array:
    pinned = at_ms(ctx, at)
    base = ts if pinned is None else np.full(len(ts), pinned, np.int64)
    return base - duration_ms(offset)


def _batches(
    ctx: EvalContext, vs: pp.VectorSelector, start: int, end: int, steps: int
) -> Iterator[SeriesSet]:
    """The selector's series in groups of whole series, so few samples are held at once."""
    ctx.check_deadline()
    matchers = to_matchers(vs)
    # The same selector read again (`x > 5 and x`, or the next panel of a dashboard at another
    # step) is answered from the earlier read when that fitted in one group and covers this
    # range; larger selections are streamed, not kept.
    key = (tuple(str(m) for m in matchers), ctx.scope)
    kept = ctx.selected.covering(key, start, end)
    if kept is not None:
        ctx.check_grid(len(kept), steps)
        yield kept
        return
    # A step more on each side: the same selector on a coarser or finer grid is then covered.
    start, end = ctx.selected.span(key, start - ctx.step_ms, end + ctx.step_ms)
    groups = ctx.storage.select_batches(
        matchers, start, end, ctx.scope, batch_samples=ctx.batch_samples
    )
    series = 0
    yielded = 0
    only: SeriesSet | None = None  # the group, while there has been just one
    for group in groups:
        ctx.account(len(group.timestamps))
        series += len(group)
        ctx.check_grid(series, steps)
        ctx.check_deadline()
        only = group if yielded == 0 else None
        yielded += 1
        yield group
    if not yielded:  # consumers always get a group, if an empty one
        only = SeriesSet.empty()
        yield only
    if only is not None:
        ctx.selected.keep(key, start, end, only)


def instant_vector(
    ctx: EvalContext, vs: pp.VectorSelector, ts: Int64Array, *, sample_times: bool = False
) -> Steps:
    """The newest sample of each series in (t - lookback, t] at every step.

    With `sample_times`, the values are those samples' timestamps in seconds (timestamp()).
    """
    times = effective_times(ctx, ts, vs.offset, vs.at)
    if len(times) == 0:
        return Steps.empty(0)
    # Prometheus 3: the lookback window is left-open, (t - lookback, t].
    start = int(times.min()) - ctx.lookback_ms + 1
    groups = _batches(ctx, vs, start, int(times.max()), len(ts))
    return Steps.concat([_newest(ctx, data, times, sample_times) for data in groups], len(ts))


def _newest(ctx: EvalContext, data: SeriesSet, times: Int64Array, sample_times: bool) -> Steps:
    if len(data) == 0:
        return Steps.empty(len(times))
    _, hi = bounds(data.offsets, data.timestamps, times, times)
    last = hi - 1
    has = last >= data.offsets[:-1, None]
    safe = np.maximum(last, 0)
    if len(data.timestamps):
        has &= data.timestamps[safe] > (times - ctx.lookback_ms)[None, :]
        # A staleness marker as the newest sample ends the series' lookback.
        has &= ~stale_mask(data.values[safe])
        source = data.timestamps / 1000.0 if sample_times else data.values
        values = np.where(has, source[safe], 0.0)
    else:
        values = np.zeros(has.shape, np.float64)
    return Steps(list(data.labels), values, has).compact()


def range_vectors(
    ctx: EvalContext,
    vs: pp.VectorSelector,
    range_ms: int,
    ts: Int64Array,
) -> Iterator[RangeData]:
    """A matrix selector's windows at every step, a group of series at a time."""
    times = effective_times(ctx, ts, vs.offset, vs.at)
    start = int(times.min()) - range_ms + 1
    for data in _batches(ctx, vs, start, int(times.max()), len(ts)):
        yield windows_over(data, times, range_ms, ts)


def windows_over(
    data: SeriesSet,
    times: Int64Array,
    range_ms: int,
    step_ts: Int64Array,
    drop: BoolArray | None = None,
) -> RangeData:
    """Windows (t - range, t] at every step over a set of series, staleness markers removed."""
    stale = stale_mask(data.values)
    offsets, timestamps, values = data.offsets, data.timestamps, data.values
    if stale.any():
        keep = ~stale
        counts = np.bincount(series_ids(offsets)[keep], minlength=len(offsets) - 1)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        timestamps, values = timestamps[keep], values[keep]
    lo, hi = bounds(offsets, timestamps, times - range_ms, times)
    return RangeData(
        labels=list(data.labels),
        offsets=offsets,
        timestamps=timestamps,
        values=values,
        lo=lo,
        hi=hi,
        window_end=times,
        range_ms=range_ms,
        step_ts=step_ts,
        drop=drop,
    )
