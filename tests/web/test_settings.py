"""The settings screen shows what the server has: its scrape targets and its templates."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import ServerProcess


def test_scrape_targets_are_listed_with_their_health(
    page: Page, demo_server: ServerProcess
) -> None:
    targets = httpx.get(f"{demo_server.url}/api/v1/targets").json()["data"]["activeTargets"]
    assert targets, "the demo server scrapes at least itself"
    page.goto("/settings")
    table = page.get_by_role("table", name="Scrape targets")
    expect(table).to_be_visible()
    for target in targets:
        row = table.get_by_role("row").filter(has_text=target["scrapeUrl"])
        expect(row).to_contain_text(target["scrapePool"])
        expect(row).to_contain_text(target["health"])


def test_templates_are_listed_and_re_created(page: Page, demo_server: ServerProcess) -> None:
    shipped = httpx.get(f"{demo_server.url}/api/dashboards/templates").json()
    page.goto("/settings")
    section = page.get_by_role("region", name="Built-in dashboards")
    for template in shipped:
        expect(section.get_by_role("link", name=template["title"], exact=True)).to_be_visible()
    chosen = shipped[-1]
    url = f"{demo_server.url}/api/dashboards/{chosen['uid']}"
    stored = httpx.get(url).json()
    edited = {**stored["dashboard"], "title": "Renamed by someone"}
    httpx.put(url, json={"dashboard": edited, "message": "renamed"}).raise_for_status()
    versions = len(httpx.get(f"{url}/versions").json())
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name=f"Re-create {chosen['title']}").click()
    expect(section.get_by_role("status")).to_contain_text("was re-created")
    assert httpx.get(url).json()["dashboard"]["title"] == chosen["title"]
    assert len(httpx.get(f"{url}/versions").json()) == versions + 1
