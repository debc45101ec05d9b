"""Live updates: samples ingested through the API show in an open dashboard within seconds, over
its WebSocket, without a reload or a new data request."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.web.browser import DataRequests, wait_for_dashboard

# A value no history sample has: when a panel shows it, the new sample arrived.
NEW_VALUE = 4242
# Live evaluates each panel at its own step; "1s" makes that one second, and the dashboard's
# refresh of 1s asks for updates every second (web/src/time/timeRange.ts liveInterval).
STEP = "1s"
SHOWN_WITHIN_MS = 8_000  # a tick a second: slack for a busy machine


def sample(metric: str, value: float, at: float | None = None) -> dict[str, object]:
    """One sample of the JSON import; `at` in Unix seconds, else the time it arrives."""
    found: dict[str, object] = {"metric": metric, "labels": {"series": "fresh"}, "value": value}
    return found if at is None else {**found, "timestamp": at}


def ingest(api: httpx.Client, *samples: dict[str, object]) -> None:
    answer = api.post("/api/v1/import/json", json={"samples": list(samples)})
    assert answer.status_code == 204, answer.text


class LiveDashboard(NamedTuple):
    uid: str
    metric: str


@pytest.fixture
def live_dashboard(api: httpx.Client) -> Iterator[LiveDashboard]:
    """A new dashboard of a time series and a stat on a metric no one else writes, with 4
    minutes of history (value 1). Deleted afterwards."""
    metric = f"web_live_test_{uuid.uuid4().hex[:8]}"
    uid = metric.replace("_", "-")
    now = time.time()
    ingest(api, *(sample(metric, 1, now - 240 + 15 * i) for i in range(16)))

    def panel(panel_id: int, kind: str, title: str, expr: str, x: int) -> dict[str, object]:
        return {
            "id": panel_id,
            "type": kind,
            "title": title,
            "gridPos": {"x": x, "y": 0, "w": 12, "h": 8},
            "interval": STEP,
            "targets": [{"refId": "A", "expr": expr, "legendFormat": "{{series}}"}],
            "fieldConfig": {"defaults": {"unit": "none"}},
        }

    document = {
        "uid": uid,
        "title": "Live test",
        "time": {"from": "now-5m", "to": "now"},
        "refresh": STEP,
        "panels": [
            panel(1, "timeseries", "Fresh series", metric, 0),
            panel(2, "stat", "Fresh total", f"sum({metric})", 12),
        ],
    }
    created = api.post("/api/dashboards", json=document)
    assert created.status_code == 201, created.text
    yield LiveDashboard(uid, metric)
    api.delete(f"/api/dashboards/{uid}")


def updated_at(page: Page) -> float:
    """When the data shown was computed, as the toolbar's "Updated ... ago" says (epoch s)."""
    stamp = page.locator(".updated time").get_attribute("datetime")
    assert stamp, "no 'Updated ... ago' time"
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def test_a_new_sample_shows_live_without_a_reload(
    page: Page, api: httpx.Client, live_dashboard: LiveDashboard
) -> None:
    page.goto(f"/d/{live_dashboard.uid}")
    wait_for_dashboard(page)
    series = page.locator('[data-panel-id="1"]')
    stat = page.locator('[data-panel-id="2"] .stat-value')
    last_in_table = series.locator("[id='panel-1-summary'] tbody tr").first.locator("td").first
    expect(last_in_table).to_have_text("1")
    expect(stat).to_have_text("1")

    switch = page.get_by_role("switch", name=re.compile("^Live"))
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(switch).to_contain_text("streaming")
    assert "live=1" in page.url
    page.evaluate("() => { window.notReloaded = true; }")
    requests = DataRequests(page)

    ingested = time.time()
    ingest(api, sample(live_dashboard.metric, NEW_VALUE))
    expect(last_in_table).to_have_text(str(NEW_VALUE), timeout=SHOWN_WITHIN_MS)
    shown_after = time.time() - ingested
    expect(series.locator(".legend-values")).to_contain_text(f"last {NEW_VALUE}")
    expect(stat).to_have_text(str(NEW_VALUE), timeout=SHOWN_WITHIN_MS)
    # Earlier points are kept: the series' mean is between the old and the new value.
    mean = series.locator("[id='panel-1-summary'] tbody tr").first.locator("td").nth(3)
    assert 1 < float(mean.inner_text()) < NEW_VALUE

    assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"
    assert not requests.bodies, f"the new point came by a data request: {requests.bodies}"
    assert updated_at(page) >= ingested - 1, "'Updated ... ago' still names an older answer"
    expect(page.locator(".updated")).to_have_text(re.compile(r"Updated (just now|[1-5] s ago)"))
    print(f"new sample shown {shown_after:.1f} s after it was ingested")

    # Live and auto-refresh off: nothing new comes, and "Updated N s ago" counts up by itself.
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    page.get_by_label("Auto-refresh").select_option("")
    assert "live=1" not in page.url and "refresh=off" in page.url
    last_update = updated_at(page)
    expect(page.locator(".updated")).to_have_text(
        re.compile(r"Updated ([3-9]|\d\d) s ago"), timeout=6_000
    )
    ingest(api, sample(live_dashboard.metric, NEW_VALUE + 1))
    page.wait_for_timeout(1_500)
    assert updated_at(page) == last_update
    expect(stat).to_have_text(str(NEW_VALUE))
