"""Label sets: the identity of a series, and the Prometheus rules for valid names."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A series is identified by its label set, kept sorted by label name so that equal sets are equal
# tuples whatever order a sender used.
Labels = tuple[tuple[str, str], ...]

METRIC_NAME = "__name__"
PROJECT_LABEL = "project"

# Prometheus 2.x names, which every sender in the ecosystem produces and every client accepts.
METRIC_NAME_RE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class InvalidSeriesError(ValueError):
    """A label set that Prometheus would refuse; the whole request carrying it is refused."""


def normalize(pairs: Iterable[tuple[str, str]]) -> Labels:
    """Validate raw label pairs and return the canonical label set.

    Labels with an empty value are dropped, as Prometheus treats them as absent.
    """
    result = sorted((name, value) for name, value in pairs if value != "")
    metric = None
    previous = None
    for name, value in result:
        if name == previous:
            raise InvalidSeriesError(f"duplicate label name {name!r} in series {_render(result)}")
        previous = name
        if name == METRIC_NAME:
            metric = value
        elif not LABEL_NAME_RE.match(name):
            raise InvalidSeriesError(f"invalid label name {name!r} in series {_render(result)}")
    if metric is None:
        raise InvalidSeriesError(f"series {_render(result)} has no metric name (__name__)")
    if not METRIC_NAME_RE.match(metric):
        raise InvalidSeriesError(f"invalid metric name {metric!r}")
    return tuple(result)


def metric_name(labels: Labels) -> str:
    for name, value in labels:
        if name == METRIC_NAME:
            return value
    return ""


def get(labels: Labels, name: str) -> str:
    for label, value in labels:
        if label == name:
            return value
    return ""


def with_label(labels: Labels, name: str, value: str) -> Labels:
    """The label set with `name` set to `value` (or removed when `value` is empty)."""
    kept = [(n, v) for n, v in labels if n != name]
    if value:
        kept.append((name, value))
    return tuple(sorted(kept))


def render(labels: Labels) -> str:
    """Prometheus' text form: name{a="1", b="2"}."""
    return _render(list(labels))


def _render(pairs: list[tuple[str, str]]) -> str:
    name = ""
    rest = []
    for label, value in pairs:
        if label == METRIC_NAME:
            name = value
        else:
            rest.append(f'{label}="{value}"')
    return name + "{" + ", ".join(rest) + "}"
