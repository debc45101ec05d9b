"""Edit mode in a real browser: editing a panel's query, saving with a message, the version
history (compare, restore), keyboard moves on the grid, save conflicts and invalid documents,
importing a Grafana JSON file, and accessibility of the editing screens.

Every test edits its own copy of a built-in dashboard (made through the API): other tests read
the built-in ones as shipped.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import ServerProcess
from tests.web.browser import describe_violations, run_axe, screenshot, wait_for_dashboard
from tests.web.conftest import page_answered_with

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "grafana"
TEMPLATE = "service-red"  # panel 1: the "Request rate" stat (unit req/s, one decimal)
STAT_ID = 1
STAT_TITLE = "Request rate"
# The demo's routes: a query whose answer the test can read back from the API.
ROUTES_QUERY = "count(count by (route) (http_requests_total))"


@pytest.fixture
def copy_uid(api: httpx.Client) -> Iterator[str]:
    """A copy of the Service RED template, deleted after the test."""
    document = api.get(f"/api/dashboards/{TEMPLATE}").json()["dashboard"]
    uid = f"edit-{secrets.token_hex(4)}"
    document |= {"uid": uid, "title": f"Service RED ({uid})", "version": 0}
    created = api.post("/api/dashboards", json={"dashboard": document, "message": "test copy"})
    assert created.status_code == 201, created.text
    yield uid
    api.delete(f"/api/dashboards/{uid}")


def stored(api: httpx.Client, uid: str) -> dict[str, Any]:
    answer: dict[str, Any] = api.get(f"/api/dashboards/{uid}").json()
    return answer


def stored_panel(api: httpx.Client, uid: str, panel_id: int) -> dict[str, Any]:
    panels = stored(api, uid)["dashboard"]["panels"]
    return next(panel for panel in panels if panel["id"] == panel_id)


def open_editor(page: Page, uid: str) -> None:
    """The dashboard, then its Edit button; returns once edit mode has drawn every panel."""
    page.goto(f"/d/{uid}")
    wait_for_dashboard(page)
    page.get_by_role("button", name="Edit", exact=True).click()
    expect(page.get_by_text("Editing", exact=True)).to_be_visible()
    expect(page).to_have_url(f"/d/{uid}?edit")
    wait_for_dashboard(page)


def promql_editor(page: Page, ref_id: str = "A") -> Locator:
    """The CodeMirror text box of one query (once CodeMirror replaced the plain textarea)."""
    editor = page.locator(".cm-content").and_(
        page.get_by_role("textbox", name=f"Query {ref_id}, PromQL expression")
    )
    expect(editor).to_be_visible()
    return editor


def save(page: Page, message: str) -> None:
    page.get_by_role("button", name="Save dashboard").click()
    dialog = page.get_by_role("dialog", name="Save dashboard")
    dialog.get_by_label("Message").fill(message)
    dialog.get_by_role("button", name="Save", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Unsaved changes")).to_be_hidden()


def shows_count(count: int) -> re.Pattern[str]:
    """A whole number as the stat shows it in req/s, with or without decimals ("8.0 req/s")."""
    return re.compile(rf"^\s*{count}(\.0+)?\s*req/s\s*$")


def stat_text(page: Page, panel_id: int) -> str:
    """The stat panel's value as seen, without its screen-reader-only words."""
    text: str = page.locator(f'[data-panel-id="{panel_id}"] .stat-value').first.evaluate(
        """value => {
            const copy = value.cloneNode(true);
            copy.querySelectorAll('.sr-only').forEach(hidden => hidden.remove());
            return copy.textContent.replace(/\\s+/g, ' ').trim();
        }"""
    )
    return text


def open_versions(page: Page) -> None:
    page.get_by_role("button", name="Settings", exact=True).click()
    page.get_by_role("tab", name="Versions").click()
    expect(page.get_by_role("table").first).to_be_visible()


def assert_accessible(page: Page, where: str) -> None:
    violations = run_axe(page)
    assert not violations, f"{where}:\n{describe_violations(violations)}"


# --------------------------------------------------------------------------- editing and saving


def test_a_panel_query_edited_saved_and_drawn_after_reload(
    copy_uid: str, page: Page, api: httpx.Client
) -> None:
    open_editor(page, copy_uid)
    page.get_by_role("button", name=f"Edit {STAT_TITLE}").click()
    expect(page.get_by_role("heading", name=f"Edit panel: {STAT_TITLE}")).to_be_focused()
    promql_editor(page).fill(ROUTES_QUERY)
    page.get_by_role("button", name="Run queries").click()
    preview = page.get_by_role("region", name="Preview").locator(f'[data-panel-id="{STAT_ID}"]')
    routes = api.get("/api/v1/query", params={"query": ROUTES_QUERY}).json()
    count = int(float(routes["data"]["result"][0]["value"][1]))
    expect(preview.locator(".stat-value")).to_have_text(shows_count(count))
    screenshot(page, "edit-panel-editor")
    page.get_by_role("button", name="Back to dashboard").click()
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    save(page, "count the routes")

    saved = stored(api, copy_uid)
    assert saved["meta"]["version"] == 2
    assert stored_panel(api, copy_uid, STAT_ID)["targets"][0]["expr"] == ROUTES_QUERY

    page.goto(f"/d/{copy_uid}")
    states = wait_for_dashboard(page)
    assert states[str(STAT_ID)] == "ready"
    assert shows_count(count).match(stat_text(page, STAT_ID)), stat_text(page, STAT_ID)

    page.get_by_role("button", name="Edit", exact=True).click()
    open_versions(page)
    newest = page.get_by_role("row").filter(has_text="count the routes")
    expect(newest.get_by_role("rowheader")).to_have_text("2")


def test_the_previous_version_is_compared_and_restored(
    copy_uid: str, page: Page, api: httpx.Client
) -> None:
    document = stored(api, copy_uid)["dashboard"]
    original = document["panels"][0]["targets"][0]["expr"]
    document["panels"][0]["targets"][0]["expr"] = ROUTES_QUERY
    put = api.put(f"/api/dashboards/{copy_uid}", json={"dashboard": document, "message": "v2"})
    assert put.status_code == 200, put.text

    open_editor(page, copy_uid)
    open_versions(page)
    page.get_by_role("button", name="Compare version 1 with version 2").click()
    changes = page.get_by_role("table", name="Changes from version 1 to version 2")
    changed = changes.get_by_role("row").filter(has_text="targets[refId=A].expr")
    expect(changed).to_contain_text(ROUTES_QUERY)
    assert_accessible(page, "version history with a comparison")

    page.get_by_role("button", name="Restore version 1").click()
    confirm = page.get_by_role("alertdialog", name="Restore version 1?")
    confirm.get_by_role("button", name="Restore version 1").click()
    expect(page.get_by_text("Editing", exact=True)).to_be_visible()
    wait_for_dashboard(page)

    restored = stored(api, copy_uid)
    assert restored["meta"]["version"] == 3
    assert stored_panel(api, copy_uid, STAT_ID)["targets"][0]["expr"] == original


def test_panels_move_and_resize_from_the_keyboard(
    copy_uid: str, page: Page, api: httpx.Client
) -> None:
    before = stored_panel(api, copy_uid, STAT_ID)["gridPos"]
    assert before == {"x": 0, "y": 0, "w": 6, "h": 4}
    open_editor(page, copy_uid)
    handle = page.get_by_role("button", name=f"Move {STAT_TITLE}")
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")  # taller
    expect(handle).to_be_focused()
    # The menu offers the same steps, named.
    page.get_by_role("button", name=f"Edit actions for panel {STAT_TITLE}").press("Enter")
    page.get_by_role("menuitem", name="Wider").click()
    save(page, "moved from the keyboard")

    moved = stored_panel(api, copy_uid, STAT_ID)["gridPos"]
    assert moved == {"x": 1, "y": 0, "w": 7, "h": 5}
    boxes = [panel["gridPos"] for panel in stored(api, copy_uid)["dashboard"]["panels"]]
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            assert not (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ), (a, b)


def test_settings_and_a_new_variable_are_saved_and_used_by_a_query(
    copy_uid: str, page: Page, api: httpx.Client
) -> None:
    open_editor(page, copy_uid)
    page.get_by_role("button", name="Settings", exact=True).click()
    page.get_by_label("Title", exact=True).fill("Service RED, edited")
    page.get_by_label("Tags").fill("red, edited, ")
    page.get_by_role("tab", name="Variables").click()
    page.get_by_role("button", name="Add variable").click()
    form = page.locator(".variable-form")
    form.get_by_label("Type").select_option("constant")
    form.get_by_label("Name").fill("answer")
    form.get_by_label("Value").fill("42")
    page.get_by_role("button", name="Back to dashboard").click()

    page.get_by_role("button", name=f"Edit {STAT_TITLE}").click()
    promql_editor(page).fill("vector($answer)")
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator(".stat-value")).to_have_text(shows_count(42))
    page.get_by_role("button", name="Back to dashboard").click()
    save(page, "a constant")

    document = stored(api, copy_uid)["dashboard"]
    assert document["title"] == "Service RED, edited"
    assert document["tags"] == ["red", "edited"]
    assert document["variables"][-1] == {
        "name": "answer",
        "type": "constant",
        "query": "42",
        "label": "",
        "description": "",
        "hide": 0,
        "current": [],
    }


# --------------------------------------------------------------------------- errors and leaving


def test_a_conflicting_save_offers_reload_or_overwrite(
    copy_uid: str, browser: Browser, demo_server: ServerProcess, api: httpx.Client
) -> None:
    with page_answered_with(browser, demo_server, 409) as page:
        open_editor(page, copy_uid)
        page.get_by_role("button", name=f"Move {STAT_TITLE}").press("ArrowRight")
        # Someone else saves meanwhile.
        document = stored(api, copy_uid)["dashboard"]
        assert api.put(
            f"/api/dashboards/{copy_uid}", json=document | {"title": "Theirs"}
        ).is_success

        page.get_by_role("button", name="Save dashboard").click()
        page.get_by_role("dialog", name="Save dashboard").get_by_role("button", name="Save").click()
        conflict = page.get_by_role("alertdialog", name="Someone else saved this dashboard")
        expect(conflict).to_be_visible()
        assert_accessible(page, "conflict dialog")
        conflict.get_by_role("button", name="Overwrite their version").click()
        expect(conflict).to_be_hidden()
        expect(page.get_by_text("Unsaved changes")).to_be_hidden()
    assert stored(api, copy_uid)["meta"]["version"] == 3
    assert stored_panel(api, copy_uid, STAT_ID)["gridPos"]["x"] == 1


def test_an_invalid_document_shows_the_servers_problems(
    copy_uid: str, browser: Browser, demo_server: ServerProcess
) -> None:
    with page_answered_with(browser, demo_server, 422) as page:
        open_editor(page, copy_uid)
        page.get_by_role("button", name=f"Edit {STAT_TITLE}").click()
        options = page.get_by_role("complementary", name="Panel options")
        options.get_by_label("Min", exact=True).fill("10")
        options.get_by_label("Max", exact=True).fill("5")
        page.get_by_role("button", name="Back to dashboard").click()
        page.get_by_role("button", name="Save dashboard").click()
        dialog = page.get_by_role("dialog", name="Save dashboard")
        dialog.get_by_role("button", name="Save").click()
        problems = dialog.get_by_role("alert")
        expect(problems).to_contain_text(f"Panel “{STAT_TITLE}”")
        expect(problems).to_contain_text("max is below min")
        expect(problems).to_contain_text("fieldConfig.defaults.max")


def test_leaving_with_unsaved_changes_asks_first(copy_uid: str, page: Page) -> None:
    open_editor(page, copy_uid)
    page.get_by_role("button", name=f"Move {STAT_TITLE}").press("ArrowRight")
    page.get_by_role("link", name="Explore").click()
    question = page.get_by_role("alertdialog", name="Leave without saving?")
    question.get_by_role("button", name="Keep editing").click()
    expect(page).to_have_url(f"/d/{copy_uid}?edit")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()

    page.go_back()  # to the dashboard as it was before Edit
    question.get_by_role("button", name="Keep editing").click()
    expect(page).to_have_url(f"/d/{copy_uid}?edit")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()

    page.get_by_role("button", name="Exit edit").click()
    question.get_by_role("button", name="Discard changes and leave").click()
    expect(page).to_have_url(f"/d/{copy_uid}")
    expect(page.get_by_role("button", name="Edit", exact=True)).to_be_visible()


# --------------------------------------------------------------------------- new and import


def test_a_new_dashboard_gets_a_panel_and_is_saved(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    page.get_by_role("button", name="New dashboard").click()
    dialog = page.get_by_role("dialog", name="New dashboard")
    title = f"New {secrets.token_hex(3)}"
    dialog.get_by_label("Title").fill(title)
    dialog.get_by_role("button", name="Create and edit").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    uid = page.url.split("/d/")[1].split("?")[0]
    try:
        page.get_by_role("button", name="Add visualization").click()
        promql_editor(page).fill("vector(42)")
        options = page.get_by_role("complementary", name="Panel options")
        options.get_by_label("Title").fill("The answer")
        options.get_by_role("radio", name="Stat").check()
        preview = page.get_by_role("region", name="Preview")
        expect(preview.locator(".stat-value")).to_contain_text("42")
        page.get_by_role("button", name="Back to dashboard").click()
        save(page, "first panel")
        panels = stored(api, uid)["dashboard"]["panels"]
        assert [(p["type"], p["title"], p["targets"][0]["expr"]) for p in panels] == [
            ("stat", "The answer", "vector(42)")
        ]
    finally:
        api.delete(f"/api/dashboards/{uid}")


def test_a_grafana_file_is_imported_and_its_panels_drawn(
    browser: Browser, demo_server: ServerProcess, api: httpx.Client
) -> None:
    fixture = FIXTURES / "node-exporter-overview.json"
    with page_answered_with(browser, demo_server, 400) as page:
        page.goto("/")
        page.get_by_role("button", name="Import dashboard").click()
        dialog = page.get_by_role("dialog", name="Import dashboard")
        assert_accessible(page, "import dialog")

        dialog.get_by_label("Or paste the dashboard JSON").fill('{"title": "cut short", ')
        dialog.get_by_role("button", name="Import").click()
        expect(dialog.get_by_role("alert")).to_contain_text("not JSON")

        dialog.get_by_label("Upload a JSON file").set_input_files(fixture)
        dialog.get_by_label("Replace a dashboard with the same uid").check()
        dialog.get_by_role("button", name="Import").click()
        expect(page).to_have_url("/d/node-exporter-overview")
        states = wait_for_dashboard(page)
        screenshot(page, "edit-imported")
    drawn = stored(api, "node-exporter-overview")["dashboard"]["panels"]
    expected = {str(p["id"]) for p in drawn if p["type"] != "row"}
    assert expected <= set(states), (expected, states)


# --------------------------------------------------------------------------- accessibility


def test_edit_mode_and_its_screens_have_no_serious_accessibility_violations(
    copy_uid: str, page: Page
) -> None:
    open_editor(page, copy_uid)
    screenshot(page, "edit-mode")
    assert_accessible(page, "edit mode")
    page.get_by_role("button", name=f"Edit actions for panel {STAT_TITLE}").click()
    expect(page.get_by_role("menu")).to_be_visible()
    assert_accessible(page, "panel actions menu")
    page.keyboard.press("Escape")

    page.get_by_role("button", name=f"Edit {STAT_TITLE}").click()
    promql_editor(page)
    wait_for_dashboard(page)
    assert_accessible(page, "panel editor")
    page.get_by_role("button", name="Back to dashboard").click()

    page.get_by_role("button", name="Settings", exact=True).click()
    assert_accessible(page, "settings")
    page.get_by_role("tab", name="Variables").click()
    assert_accessible(page, "variables")

    page.get_by_role("button", name="Back to dashboard").click()
    page.get_by_role("button", name=f"Move {STAT_TITLE}").press("ArrowRight")
    page.get_by_role("button", name="Save dashboard").click()
    expect(page.get_by_role("dialog", name="Save dashboard")).to_be_visible()
    assert_accessible(page, "save dialog")
