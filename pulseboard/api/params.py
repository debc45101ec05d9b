"""Parameters as the Prometheus API takes them: from the query string or a form-encoded POST."""

from __future__ import annotations

import math
import re
from datetime import datetime

from fastapi import Request

from pulseboard.api.envelope import bad_data
from pulseboard.model.matchers import InvalidMatcherError, Matcher, parse_selector

# Prometheus' own "unbounded" times for the metadata endpoints.
MIN_TIME_MS = -(2**63) // 1_000_000 * 1000
MAX_TIME_MS = (2**63 - 1) // 1_000_000 * 1000


async def params(request: Request) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        values.setdefault(key, []).append(value)
    if request.method == "POST":
        form = await request.form()
        for key, item in form.multi_items():
            if isinstance(item, str):
                values.setdefault(key, []).append(item)
    return values


# What Go's strconv.ParseFloat takes in decimal form; Python's float() would also take spaces
# and digit underscores, which Prometheus refuses.
_GO_FLOAT_RE = re.compile(
    r"^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)\Z", re.I
)
# Prometheus' model.ParseDuration: units largest first, each at most once.
_PROM_DURATION_RE = re.compile(
    r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?\Z"
)
_DURATION_UNITS_MS = (31_536_000_000, 604_800_000, 86_400_000, 3_600_000, 60_000, 1000, 1)
_MAX_DURATION_NS = 2**63 - 1


def _go_float(text: str) -> float | None:
    return float(text) if _GO_FLOAT_RE.match(text) else None


def parse_time(text: str | None, name: str, default: int) -> int:
    """An optional time (Prometheus' parseTimeParam): unix seconds or RFC 3339, to ms."""
    if text is None or text == "":
        return default
    milliseconds = _time_ms(text)
    if milliseconds is None:
        raise bad_data(
            f"invalid parameter \"{name}\": Invalid time value for '{name}': "
            f'cannot parse "{text}" to a valid timestamp'
        )
    return milliseconds


def parse_required_time(text: str | None, name: str) -> int:
    """A time that must be given (query_range's start and end): an empty one is an error."""
    text = text or ""
    milliseconds = _time_ms(text)
    if milliseconds is None:
        raise bad_data(f'invalid parameter "{name}": cannot parse "{text}" to a valid timestamp')
    return milliseconds


def _time_ms(text: str) -> int | None:
    seconds = _go_float(text)
    if seconds is None:
        try:
            return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            return None
    if not math.isfinite(seconds) or not MIN_TIME_MS <= seconds * 1000 <= MAX_TIME_MS:
        return None  # beyond what int64 milliseconds hold: the engine could not step over it
    return round(seconds * 1000)


def parse_duration_ns(text: str | None, name: str) -> int:
    """Float seconds or a Prometheus duration ("15s", "1h30m"), to nanoseconds as Go holds them.

    Nanoseconds, not milliseconds, so that limits computed from it (points per series) round
    exactly as Prometheus' do.
    """
    text = text or ""
    seconds = _go_float(text)
    if seconds is not None:
        if math.isnan(seconds):
            raise bad_data(f'invalid parameter "{name}": cannot parse "{text}" to a valid duration')
        nanoseconds = seconds * 1e9
        if abs(nanoseconds) > _MAX_DURATION_NS:
            raise bad_data(
                f'invalid parameter "{name}": cannot parse "{text}" to a valid duration. '
                "It overflows int64"
            )
        return int(nanoseconds)
    found = _PROM_DURATION_RE.match(text)
    if text == "" or found is None:
        raise bad_data(f'invalid parameter "{name}": cannot parse "{text}" to a valid duration')
    milliseconds = sum(
        int(part) * unit
        for part, unit in zip(found.groups(), _DURATION_UNITS_MS, strict=True)
        if part
    )
    if milliseconds * 1_000_000 > _MAX_DURATION_NS:
        raise bad_data(f'invalid parameter "{name}": cannot parse "{text}" to a valid duration')
    return milliseconds * 1_000_000


def time_range(values: dict[str, list[str]]) -> tuple[int, int]:
    start = parse_time(param(values, "start"), "start", MIN_TIME_MS)
    end = parse_time(param(values, "end"), "end", MAX_TIME_MS)
    if end < start:
        raise bad_data('invalid parameter "end": end timestamp must not be before start time')
    return start, end


def selectors(values: dict[str, list[str]]) -> list[list[Matcher]]:
    try:
        return [parse_selector(text) for text in values.get("match[]", [])]
    except InvalidMatcherError as exc:
        raise bad_data(f'invalid parameter "match[]": {exc}') from exc


def limit(values: dict[str, list[str]]) -> int | None:
    text = param(values, "limit")
    if text is None or text == "":
        return None
    if not text.isdigit():
        raise bad_data(f'invalid parameter "limit": {text!r} is not a non-negative integer')
    return int(text) or None


def param(values: dict[str, list[str]], key: str) -> str | None:
    """A single-valued parameter; the last one wins when a client sends it twice."""
    found = values.get(key)
    return found[-1] if found else None
