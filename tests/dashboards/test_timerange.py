"""Grafana time expressions, as dashboards and the panel-data API take them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pulseboard.dashboards.timerange import TimeExpressionError, parse_time


def _ms(*parts: int, tz: object = UTC) -> int:
    return round(datetime(*parts, tzinfo=tz).timestamp() * 1000)  # type: ignore[arg-type,misc]


NOW = _ms(2026, 3, 31, 14, 37, 12)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "round_up", "expected"),
    [
        ("now", False, NOW),
        ("now-6h", False, NOW - 6 * 3_600_000),
        ("now+15m", False, NOW + 15 * 60_000),
        ("now-1d-2h", False, NOW - 26 * 3_600_000),
        ("now/d", False, _ms(2026, 3, 31)),
        ("now/d", True, _ms(2026, 4, 1) - 1),
        ("now-1d/d", False, _ms(2026, 3, 30)),
        ("now/w", False, _ms(2026, 3, 30)),
        ("now/M", False, _ms(2026, 3, 1)),
        ("now-1M", False, _ms(2026, 2, 28, 14, 37, 12)),  # no 31st of February
        ("now/y", True, _ms(2027, 1, 1) - 1),
        ("1700000000000", False, 1_700_000_000_000),
        ("2026-01-02T03:04:05Z", False, _ms(2026, 1, 2, 3, 4, 5)),
    ],
)
def test_expressions(text: str, round_up: bool, expected: int) -> None:
    assert parse_time(text, NOW, round_up=round_up) == expected


def test_rounding_follows_the_dashboard_time_zone() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    assert parse_time("now/d", NOW, timezone="Europe/Berlin") == _ms(2026, 3, 31, tz=berlin)


@pytest.mark.parametrize("text", ["yesterday", "now-6x", "now-", "now/q", "2026-13-01"])
def test_bad_expressions_say_what_is_accepted(text: str) -> None:
    with pytest.raises(TimeExpressionError, match="now-6h"):
        parse_time(text, NOW)


def test_unknown_time_zone() -> None:
    with pytest.raises(TimeExpressionError, match="time zone"):
        parse_time("now/d", NOW, timezone="Mars/Olympus")
