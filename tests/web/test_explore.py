"""Explore in a real browser: the PromQL editor driven by the keyboard, results checked against
the query API itself, completion from the server's metric names, history, and "Add to dashboard".
"""

from __future__ import annotations

import re
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import ServerProcess
from tests.web.browser import describe_violations, run_axe, screenshot, wait_for_dashboard
from tests.web.conftest import page_answered_with

RATE_BY_ROUTE = "sum by (route) (rate(http_requests_total[5m]))"
EDITOR_NAME = "PromQL query"
HOUR_MS = 3_600_000


def editor(page: Page) -> Locator:
    """The CodeMirror text box (not the plain textarea shown until CodeMirror has loaded)."""
    box = page.locator(f".cm-content[aria-label='{EDITOR_NAME}']")
    expect(box).to_be_attached()
    return box


def type_query(page: Page, expr: str) -> None:
    """Focuses the editor and types `expr` key by key, as a person would; the editor closes
    brackets itself, and typing the closing one steps over it, so the text ends up as typed."""
    box = editor(page)
    box.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.type(expr)
    page.keyboard.press("Escape")  # closes the completion list, if one is open
    expect(box).to_have_text(expr)


def explore_url(**params: str) -> str:
    return f"/explore?{urlencode(params)}"


def table_rows(page: Page) -> list[dict[str, str]]:
    """The instant result table as {column header: cell text} per row."""
    table = page.locator(".explore-table table")
    expect(table).to_be_visible()
    headers = [
        re.sub("[▲▼↕]", "", text).strip() for text in table.locator("thead th").all_inner_texts()
    ]
    return [
        dict(zip(headers, row.locator("td").all_inner_texts(), strict=True))
        for row in table.locator("tbody tr").all()
    ]


def api_rows(api: httpx.Client, expr: str, time_ms: int) -> list[dict[str, str]]:
    answer = api.get("/api/v1/query", params={"query": expr, "time": time_ms / 1000})
    answer.raise_for_status()
    return [
        {**sample["metric"], "Value": sample["value"][1]}
        for sample in answer.json()["data"]["result"]
    ]


def a_minute_ago_ms() -> int:
    return (int(time.time()) - 60) * 1000


def test_a_query_typed_and_run_from_the_keyboard_shows_the_apis_values(
    page: Page, api: httpx.Client
) -> None:
    at_ms = a_minute_ago_ms()
    page.goto(explore_url(mode="instant", **{"from": str(at_ms - HOUR_MS), "to": str(at_ms)}))
    type_query(page, RATE_BY_ROUTE)

    # Tab is not kept by the editor: it moves on to the Run button, and Enter presses it.
    page.keyboard.press("Tab")
    run = page.get_by_role("button", name="Run query")
    expect(run).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="series")).to_be_visible()
    shown = table_rows(page)
    expected = api_rows(api, RATE_BY_ROUTE, at_ms)
    assert len(expected) > 1, expected
    key = lambda row: row["route"]  # noqa: E731
    assert sorted(shown, key=key) == sorted(expected, key=key)

    query = parse_qs(urlparse(page.url).query)
    assert query["expr"] == [RATE_BY_ROUTE]
    assert query["mode"] == ["instant"]
    history = page.get_by_role("region", name="Query history")
    expect(history.get_by_role("button").filter(has_text=RATE_BY_ROUTE)).to_be_visible()
    screenshot(page, "explore-instant")


def test_the_instant_table_sorts_by_value_and_label(page: Page) -> None:
    page.goto(explore_url(expr=RATE_BY_ROUTE, mode="instant"))
    expect(page.locator(".explore-table tbody tr").first).to_be_visible()

    page.get_by_role("button", name="Value").click()
    values = [float(row["Value"]) for row in table_rows(page)]
    assert values == sorted(values, reverse=True)
    value_header = page.locator(".explore-table th").filter(has_text="Value")
    expect(value_header).to_have_attribute("aria-sort", "descending")

    page.get_by_role("button", name="route").click()
    routes = [row["route"] for row in table_rows(page)]
    assert routes == sorted(routes, key=str.lower)


def test_shift_enter_runs_a_range_query_and_draws_its_graph(page: Page) -> None:
    page.goto("/explore")
    type_query(page, RATE_BY_ROUTE)
    page.keyboard.press("Shift+Enter")

    graph = page.locator(".explore-graph")
    expect(graph).to_have_attribute("data-state", "ready")
    expect(graph.locator("canvas")).to_have_count(1)
    expect(graph.locator(".legend-item").first).to_be_visible()

    # The data table fallback holds the same series.
    page.get_by_role("button", name="Show as table").click()
    expect(graph.locator(".explore-points table")).to_be_visible()
    screenshot(page, "explore-range")


def test_a_syntax_error_shows_the_servers_message_and_the_page_keeps_working(
    browser: Browser, demo_server: ServerProcess, api: httpx.Client
) -> None:
    # The browser logs the 400 answers of the broken query as console errors: expected here.
    with page_answered_with(browser, demo_server, 400) as page:
        broken = "sum(up) +"
        page.goto("/explore")
        type_query(page, broken)
        # The editor's own parser underlines the mistake before anything is run.
        # (At the end of the text the mistake is a point: the underline is a mark there.)
        expect(page.locator(".cm-lintRange-error, .cm-lintPoint-error")).to_have_count(1)
        page.keyboard.press("ControlOrMeta+Enter")

        answer = api.get("/api/v1/query", params={"query": broken})
        assert answer.status_code == 400
        message = answer.json()["error"]
        assert "parse error" in message
        alert = page.get_by_role("alert").filter(has_text="The query failed")
        expect(alert).to_contain_text(message)

        type_query(page, "sum(up)")
        page.keyboard.press("Shift+Enter")
        expect(alert).to_have_count(0)
        expect(page.locator(".explore-graph")).to_have_attribute("data-state", "ready")


def test_completion_offers_the_servers_metric_names(page: Page) -> None:
    page.goto("/explore")
    box = editor(page)
    box.focus()
    page.keyboard.type("http_req")
    options = page.locator(".cm-tooltip-autocomplete [role='option']")
    expect(options.filter(has_text="http_requests_total")).to_have_count(1)
    screenshot(page, "explore-completion", full_page=False)

    # Completion is keyboard-driven too: narrow the list down and accept with Enter.
    page.keyboard.type("uests_t")
    selected = page.locator(".cm-tooltip-autocomplete [role='option'][aria-selected='true']")
    expect(selected).to_have_text(re.compile(r"^http_requests_total"))
    page.keyboard.press("Enter")
    expect(box).to_have_text("http_requests_total")


def test_history_lists_queries_newest_first_and_restores_one_from_the_keyboard(
    page: Page,
) -> None:
    page.goto("/explore")
    for expr in ("sum(up)", "count(up)", "sum(up)"):
        type_query(page, expr)
        page.keyboard.press("Shift+Enter")
        expect(page).to_have_url(re.compile(re.escape(urlencode({"expr": expr}))))

    page.reload()
    history = page.get_by_role("region", name="Query history")
    entries = history.get_by_role("listitem")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("sum(up)")
    expect(entries.nth(1)).to_contain_text("count(up)")

    entries.nth(1).get_by_role("button").focus()
    page.keyboard.press("Enter")
    expect(editor(page)).to_have_text("count(up)")
    expect(editor(page)).to_be_focused()


def test_a_link_restores_the_query_and_back_returns_to_the_previous_one(page: Page) -> None:
    page.goto(explore_url(expr="sum(up)", **{"from": "now-3h", "to": "now"}))
    expect(editor(page)).to_have_text("sum(up)")
    expect(page.get_by_role("button", name=re.compile("Last 3 hours"))).to_be_visible()
    expect(page.locator(".explore-graph")).to_have_attribute("data-state", "ready")

    type_query(page, "count(up)")
    page.keyboard.press("Shift+Enter")
    expect(page).to_have_url(re.compile(r"expr=count"))
    page.go_back()
    expect(editor(page)).to_have_text("sum(up)")


def test_add_to_a_new_dashboard_draws_the_panel_there(page: Page, api: httpx.Client) -> None:
    title = f"Explore test {uuid.uuid4().hex[:8]}"
    page.goto(explore_url(expr=RATE_BY_ROUTE))
    expect(page.locator(".explore-graph")).to_have_attribute("data-state", "ready")

    page.get_by_role("button", name="Add to dashboard").click()
    dialog = page.get_by_role("dialog", name="Add to dashboard")
    expect(dialog.get_by_label("Dashboard")).to_have_value("")  # "New dashboard"
    dialog.get_by_label("Title").fill(title)
    dialog.get_by_role("button", name="Add panel").click()

    expect(page).to_have_url(re.compile(r"/d/"))
    uid = urlparse(page.url).path.split("/")[2]
    try:
        states = wait_for_dashboard(page)
        assert list(states.values()) == ["ready"]
        document = api.get(f"/api/dashboards/{uid}").json()["dashboard"]
        assert document["title"] == title
        [panel] = document["panels"]
        assert panel["type"] == "timeseries"
        assert panel["targets"][0]["expr"] == RATE_BY_ROUTE
        screenshot(page, "explore-added-dashboard")
    finally:
        api.delete(f"/api/dashboards/{uid}")


def test_add_to_an_existing_dashboard_puts_the_panel_in_the_first_free_spot(
    page: Page, api: httpx.Client
) -> None:
    uid = f"explore-test-{uuid.uuid4().hex[:8]}"
    created = api.post(
        "/api/dashboards",
        json={
            "uid": uid,
            "title": f"Existing {uid}",
            "panels": [
                {"id": 4, "type": "text", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}},
                {"id": 5, "type": "text", "gridPos": {"x": 0, "y": 8, "w": 24, "h": 4}},
            ],
        },
    )
    assert created.status_code == 201, created.text
    try:
        page.goto(explore_url(expr="sum(up)"))
        page.get_by_role("button", name="Add to dashboard").click()
        dialog = page.get_by_role("dialog", name="Add to dashboard")
        dialog.get_by_label("Dashboard").select_option(uid)
        expect(dialog.get_by_label("Title")).to_have_count(0)
        dialog.get_by_role("button", name="Add panel").click()

        expect(page).to_have_url(re.compile(rf"/d/{uid}"))
        wait_for_dashboard(page)
        answer = api.get(f"/api/dashboards/{uid}").json()
        assert answer["meta"]["version"] == 2
        added = answer["dashboard"]["panels"][-1]
        assert added["id"] == 6
        assert added["gridPos"] == {"x": 12, "y": 0, "w": 12, "h": 8}  # the gap beside panel 4
        expect(page.locator('[data-panel-id="6"]')).to_have_attribute("data-state", "ready")
    finally:
        api.delete(f"/api/dashboards/{uid}")


def test_explore_has_no_serious_accessibility_violations(page: Page) -> None:
    page.goto(explore_url(expr=RATE_BY_ROUTE))
    expect(page.locator(".explore-graph")).to_have_attribute("data-state", "ready")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)

    # The query type is a radio group: arrow keys move the choice.
    page.get_by_role("radio", name="Range").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Instant")).to_be_checked()
    expect(page.locator(".explore-table tbody tr").first).to_be_visible()
    page.get_by_role("button", name="Add to dashboard").click()
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
