"""Parameters as the Prometheus API takes them: from the query string or a form-encoded POST."""

from __future__ import annotations

import math
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


def parse_time(text: str | None, name: str, default: int) -> int:
    """Unix seconds (fractions allowed) or RFC 3339, to milliseconds."""
    if text is None or text == "":
        return default
    try:
        seconds = float(text)
    except ValueError:
        try:
            return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            raise bad_data(
                f'invalid parameter "{name}": cannot parse "{text}" to a valid timestamp'
            ) from None
    if not math.isfinite(seconds):
        raise bad_data(f'invalid parameter "{name}": cannot parse "{text}" to a valid timestamp')
    return round(seconds * 1000)


def time_range(values: dict[str, list[str]]) -> tuple[int, int]:
    start = parse_time(_last(values, "start"), "start", MIN_TIME_MS)
    end = parse_time(_last(values, "end"), "end", MAX_TIME_MS)
    if end < start:
        raise bad_data('invalid parameter "end": end timestamp must not be before start time')
    return start, end


def selectors(values: dict[str, list[str]]) -> list[list[Matcher]]:
    try:
        return [parse_selector(text) for text in values.get("match[]", [])]
    except InvalidMatcherError as exc:
        raise bad_data(f'invalid parameter "match[]": {exc}') from exc


def limit(values: dict[str, list[str]]) -> int | None:
    text = _last(values, "limit")
    if text is None or text == "":
        return None
    if not text.isdigit():
        raise bad_data(f'invalid parameter "limit": {text!r} is not a non-negative integer')
    return int(text) or None


def _last(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[-1] if found else None
