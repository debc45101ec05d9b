"""The home page's recently viewed dashboards, the stat panels' change over the range, and a
dashboard's own time zone."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ServerProcess
from tests.web.browser import DataRequests, wait_for_dashboard
from tests.web.conftest import PageOpener


def test_recently_viewed_dashboards_are_listed_newest_first(page: Page) -> None:
    page.goto("/")
    recent = page.get_by_role("region", name="Recently viewed")
    expect(recent).to_contain_text("Dashboards you open appear here")
    for uid in ("service-red", "llm-usage"):
        page.goto(f"/d/{uid}")
        wait_for_dashboard(page)
    page.goto("/")
    links = page.get_by_role("region", name="Recently viewed").get_by_role("link")
    # The home page's own dashboard is not a visit of the viewer's.
    expect(links).to_have_text(["LLM usage and cost", "Service RED"])


def test_stat_panels_show_the_change_since_the_start_of_the_range(
    page: Page, api: httpx.Client
) -> None:
    requests = DataRequests(page)
    page.goto("/d/business-overview")
    wait_for_dashboard(page)
    asked = requests.last
    answer = api.post(
        "/api/dashboards/business-overview/data",
        json={key: asked[key] for key in ("from", "to", "vars", "width") if key in asked},
    ).json()
    values = [v for v in answer["panels"]["1"]["frames"][0]["values"] if v is not None]
    change = (values[-1] - values[0]) / abs(values[0])
    percent = abs(change) * 100
    shown = page.locator("[data-panel-id='1'] .stat-change")
    expect(shown).to_contain_text(f"{percent:.0f}%" if percent >= 10 else f"{percent:.1f}%")
    direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
    expect(shown).to_contain_text(f"{direction} since the start of the range")


def test_a_utc_dashboard_shows_utc_times_to_a_viewer_elsewhere(
    browser: Browser, demo_server: ServerProcess, api: httpx.Client
) -> None:
    uid = f"utc-{secrets.token_hex(4)}"
    panel = {
        "id": 1,
        "type": "timeseries",
        "title": "Active sessions",
        "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
        "targets": [{"refId": "A", "expr": "sum(sessions_active)"}],
    }
    document = {"uid": uid, "title": "In UTC", "timezone": "utc", "panels": [panel]}
    assert api.post("/api/dashboards", json=document).status_code == 201
    context = browser.new_context(base_url=demo_server.url, timezone_id="America/New_York")
    try:
        page = context.new_page()
        requests = DataRequests(page)
        page.goto(f"/d/{uid}")
        wait_for_dashboard(page)
        answer = api.post(f"/api/dashboards/{uid}/data", json=requests.last).json()
        newest = max(answer["panels"]["1"]["frames"][0]["timestamps"])
        located = page.locator('[data-panel-id="1"]')
        located.locator(".panel-table-toggle").click()
        first_row = located.locator(".table-scroll table tbody tr").first
        in_utc = datetime.fromtimestamp(newest / 1000, UTC).strftime("%-I:%M:%S %p")
        expect(first_row.get_by_role("rowheader")).to_contain_text(in_utc)
    finally:
        context.close()
        api.delete(f"/api/dashboards/{uid}")


def test_phones_read_dashboards_without_the_editing_controls(
    page: Page, open_page: PageOpener
) -> None:
    phone = open_page(viewport={"width": 390, "height": 844})
    for opened, shown in ((page, True), (phone, False)):
        opened.goto("/d/operations")
        wait_for_dashboard(opened)
        edit = opened.get_by_role("button", name="Edit", exact=True)
        if shown:
            expect(edit).to_be_visible()
        else:
            expect(edit).to_be_hidden()
