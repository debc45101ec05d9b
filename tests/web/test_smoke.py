"""The web UI opens in a real browser, served by a real demo server.

The UI tests were written before the UI could be seen running: the title, the main landmark and
the data-panel-id / data-state attributes are the UI's contract from issue 5.
"""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from pulseboard.demo.projects import PROJECT_NAMES
from tests.conftest import ServerProcess
from tests.web.browser import describe_violations, run_axe, screenshot, wait_for_dashboard
from tests.web.conftest import panel_data_states


def test_the_demo_server_answers_queries_with_its_backfilled_data(
    demo_server: ServerProcess,
) -> None:
    answer = httpx.get(
        f"{demo_server.url}/api/v1/query",
        params={"query": "sum by (project) (rate(http_requests_total[5m]))"},
    )
    assert answer.status_code == 200, answer.text
    rates = {
        sample["metric"]["project"]: float(sample["value"][1])
        for sample in answer.json()["data"]["result"]
    }
    assert sorted(rates) == sorted(PROJECT_NAMES)
    assert all(rate > 0 for rate in rates.values()), rates


def test_home_opens_with_its_title_and_a_main_landmark(page: Page) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    expect(page).to_have_title(re.compile("Pulseboard"))
    expect(page.get_by_role("main")).to_be_visible()
    screenshot(page, "home")


def test_operations_dashboard_draws_every_panel_from_demo_data(
    page: Page, demo_server: ServerProcess
) -> None:
    with httpx.Client(base_url=demo_server.url) as client:
        with_data = [
            panel
            for panel, state in panel_data_states(client, "operations").items()
            if state == "ok"
        ]
    page.goto("/d/operations")
    states = wait_for_dashboard(page)
    assert {panel: states.get(panel) for panel in with_data} == dict.fromkeys(with_data, "ready")
    screenshot(page, "operations")


def test_operations_dashboard_has_no_serious_accessibility_violations(page: Page) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
