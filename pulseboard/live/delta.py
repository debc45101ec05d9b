"""What one push holds: the step window it covers, its new points, and how the series changed.

A push never resends points: each evaluation covers the steps after the previous push's `end`,
and a range query's value at a step does not depend on where the range starts, so evaluating
just those steps gives exactly the new points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from pulseboard.model.labels import Labels
from pulseboard.promql.api import Matrix


def align_down(time_ms: int, step_ms: int) -> int:
    return time_ms - time_ms % step_ms


@dataclass(frozen=True)
class Window:
    """The steps start_ms, start_ms + step_ms, ... <= end_ms; `reset` when it replaces all a
    client holds instead of extending it."""

    start_ms: int
    end_ms: int
    step_ms: int
    reset: bool

    @property
    def empty(self) -> bool:
        return self.start_ms > self.end_ms

    def after(self, end_ms: int) -> Window:
        """The steps following this window up to end_ms."""
        return Window(self.end_ms + self.step_ms, end_ms, self.step_ms, reset=False)


def first_window(end_ms: int, step_ms: int, range_ms: int, since_ms: int | None) -> Window:
    """A new subscriber's first window: its whole range, or from a resume point what it missed
    (the steps after `since`), unless that reaches further back than the range."""
    full_start = align_down(end_ms - range_ms, step_ms) + step_ms
    if since_ms is None or since_ms < full_start - step_ms:
        return Window(full_start, end_ms, step_ms, reset=True)
    return Window(align_down(since_ms, step_ms) + step_ms, end_ms, step_ms, reset=False)


@dataclass
class SeriesChanges:
    """Which series gained or lost points between consecutive evaluations of one query."""

    previous: set[Labels] = field(default_factory=set)

    def advance(self, matrix: Matrix) -> tuple[list[Labels], list[Labels]]:
        current = {series.labels for series in matrix.series}
        appeared = sorted(current - self.previous)
        vanished = sorted(self.previous - current)
        self.previous = current
        return appeared, vanished


def encode_body(
    window: Window,
    matrix: Matrix,
    computed_at_ms: int,
    appeared: list[Labels] = [],  # noqa: B006 (never mutated)
    vanished: list[Labels] = [],  # noqa: B006
) -> str:
    """The subscriber-independent part of a data message, encoded once for every subscriber:
    JSON object members without the braces' opening (see `data_message`)."""
    encoded = orjson.dumps(
        {
            "computed_at": computed_at_ms,
            "start": window.start_ms,
            "end": window.end_ms,
            "step": window.step_ms,
            "reset": window.reset,
            "series": [
                {"labels": dict(s.labels), "timestamps": s.timestamps, "values": s.values}
                for s in matrix.series
            ],
            "appeared": [dict(labels) for labels in appeared],
            "vanished": [dict(labels) for labels in vanished],
        },
        option=orjson.OPT_SERIALIZE_NUMPY,
    )
    return encoded[1:].decode()


def message_prefix(kind: str, subscription_id: str, ref: str) -> str:
    """The subscriber's own head of a message; `prefix + body` is the whole JSON object."""
    head = orjson.dumps({"type": kind, "id": subscription_id, "ref": ref}).decode()
    return head[:-1] + ","
