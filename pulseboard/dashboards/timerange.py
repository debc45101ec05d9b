"""Grafana's time expressions (`now-6h`, `now/d`, `now-1d/d`, epoch milliseconds, ISO 8601) to ms.

Rounding (`/d`) goes to the start of the unit for a range's `from` and to its end for `to`, in the
dashboard's time zone (UTC for "browser": the server has no browser to ask).
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_RELATIVE = re.compile(r"^now((?:[+-]\d+[yMwdhms])*)(?:/([yMwdhms]))?$")
_OFFSET = re.compile(r"([+-])(\d+)([yMwdhms])")
_FIXED_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}


class TimeExpressionError(ValueError):
    pass


def zone_of(timezone: str) -> ZoneInfo | None:
    """The zone of a dashboard's `timezone`; None for UTC and "browser"."""
    if timezone in ("", "browser", "utc", "UTC"):
        return None
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeExpressionError(f"unknown time zone {timezone!r}") from None


def parse_time(text: str, now_ms: int, *, round_up: bool = False, timezone: str = "") -> int:
    """Milliseconds since the epoch for one end of a range (round_up for the `to` end)."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    found = _RELATIVE.match(text)
    if found is None:
        return _absolute(text)
    zone = zone_of(timezone) or UTC
    moment = datetime.fromtimestamp(now_ms / 1000, tz=zone)
    for sign, amount, unit in _OFFSET.findall(found.group(1)):
        moment = _shift(moment, int(amount) * (1 if sign == "+" else -1), unit)
    if found.group(2):
        moment = _round(moment, found.group(2), round_up)
    return round(moment.timestamp() * 1000)


def is_time_expression(text: str) -> bool:
    try:
        parse_time(text, 0)
    except TimeExpressionError:
        return False
    return True


def _absolute(text: str) -> int:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TimeExpressionError(
            f"invalid time {text!r}: use now, now-6h, now/d, epoch milliseconds or ISO 8601"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit in _FIXED_UNITS:
        return moment + timedelta(seconds=amount * _FIXED_UNITS[unit])
    months = amount * (12 if unit == "y" else 1)
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _round(moment: datetime, unit: str, up: bool) -> datetime:
    start = moment
    if unit == "s":
        start = moment.replace(microsecond=0)
    elif unit == "m":
        start = moment.replace(second=0, microsecond=0)
    elif unit == "h":
        start = moment.replace(minute=0, second=0, microsecond=0)
    elif unit in ("d", "w"):
        start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if unit == "w":  # weeks start on Monday, as ISO weeks do
            start -= timedelta(days=start.weekday())
    elif unit == "M":
        start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        start = moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if not up:
        return start
    return _shift(start, 1, unit) - timedelta(milliseconds=1)
