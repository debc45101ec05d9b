"""The built-in dashboards show what the data API answers, and their controls change what is shown.

Every comparison pins the time range in the URL (?from=<ms>&to=<ms>, a minute back so no sample
still arrives inside it) and asks the API the same question the page asked: the same range,
variables and width (the width sets each panel's step, and so its points).
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from pulseboard.dashboards.provisioning import template_dashboards
from tests.web.browser import (
    DataRequests,
    is_data_request,
    shows_value,
    wait_for_dashboard,
)

TEMPLATES = sorted(template_dashboards())
# Panels that show one reduced number per series, and those that draw series over time.
REDUCED_TYPES = {"stat", "bargauge"}
TIME_SERIES = "timeseries"
# web/src/panels/DataTable.tsx and Legend.tsx write a missing value as an en dash.
NO_VALUE_IN_TABLES = "\u2013"

# What each panel shows, read off the page as a viewer (or a screen reader) would.
_SHOWN_JS = """() => [...document.querySelectorAll('[data-panel-id]')].map(panel => {
    const id = panel.dataset.panelId;
    const text = element => {
        if (!element) return null;
        const copy = element.cloneNode(true);
        copy.querySelectorAll('.sr-only').forEach(hidden => hidden.remove());
        return copy.textContent.trim();
    };
    const rows = table => table
        ? [...table.querySelectorAll('tbody tr')].map(row =>
            [...row.children].map(cell => cell.textContent.trim()))
        : [];
    return {
        id,
        title: panel.querySelector('h3')?.textContent ?? '',
        state: panel.dataset.state,
        noData: text(panel.querySelector('.no-data')),
        stats: [...panel.querySelectorAll('.stat-tile')].map(tile => ({
            name: tile.querySelector('.stat-name')?.textContent ?? null,
            value: text(tile.querySelector('.stat-value')),
        })),
        bars: [...panel.querySelectorAll('.bargauge li')].map(row => ({
            name: row.querySelector('.bargauge-name')?.textContent ?? null,
            value: text(row.querySelector('.bargauge-value')),
        })),
        legend: [...panel.querySelectorAll('.legend-item')].map(item => ({
            name: item.querySelector('.legend-name')?.textContent ?? null,
            values: item.querySelector('.legend-values')?.textContent.trim() ?? '',
        })),
        summary: rows(panel.querySelector(`[id="panel-${id}-summary"] table`)),
        points: rows(panel.querySelector('.table-scroll table')),
    };
})"""
_LEGEND_VALUES = re.compile(r"^last\s+(?P<last>.+?)\s+mean\s+(?P<mean>.+)$")


# --- the API's side ------------------------------------------------------------------------------


def pinned_range(api: httpx.Client, uid: str) -> tuple[int, int]:
    """The dashboard's own span ("now-6h" to "now"), ending on a whole minute at least a minute
    ago: what the page and the API are both asked for."""
    time_range = api.get(f"/api/dashboards/{uid}").json()["dashboard"]["time"]
    span = re.fullmatch(r"now-(\d+)([mhd])", time_range["from"])
    assert span and time_range["to"] == "now", f"{uid}: an unexpected range {time_range}"
    span_ms = int(span[1]) * {"m": 60_000, "h": 3_600_000, "d": 86_400_000}[span[2]]
    end = (int(time.time() * 1000) // 60_000 - 1) * 60_000
    return end - span_ms, end


def api_answer(api: httpx.Client, uid: str, asked: dict[str, Any]) -> dict[str, Any]:
    """The API's answer to the question the page asked (range, variables, width)."""
    body = {key: asked[key] for key in ("from", "to", "vars", "width") if key in asked}
    answer = api.post(f"/api/dashboards/{uid}/data", json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def present(values: list[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def series_summary(values: list[float | None]) -> dict[str, float | None]:
    """A series' last, min, max and mean, as the UI's legend and summary table compute them."""
    numbers = present(values)
    if not numbers:
        return {"last": None, "min": None, "max": None, "mean": None}
    return {
        "last": numbers[-1],
        "min": min(numbers),
        "max": max(numbers),
        "mean": sum(numbers) / len(numbers),
    }


# --- comparing -----------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Differences found between what panels show and the API's answer, and values compared."""

    problems: list[str] = field(default_factory=list)
    compared: int = 0
    panels: set[str] = field(default_factory=set)

    def value(
        self,
        where: str,
        text: str | None,
        expected: float | None,
        defaults: dict[str, Any],
        missing: str,
    ) -> None:
        """`text` must be `expected` in the panel's unit, rounded as shown, with no more digits
        after the point than the panel's decimals (a lone number may drop a fraction of zeros,
        a smaller unit needs fewer: "91%" and "249 ms" are 1 and 3 decimals of 0.91 and 0.249 s).
        """
        self.compared += 1
        unit, decimals = defaults.get("unit"), defaults.get("decimals")
        if text is None or not shows_value(text, expected, unit, missing):
            self.problems.append(f"{where} shows {text!r}; the API answers {expected!r} ({unit})")
        elif expected is not None and decimals is not None:
            fraction = re.search(r"\.(\d+)", text)
            if len(fraction[1] if fraction else "") > decimals:
                self.problems.append(f"{where} shows {text!r}, more than {decimals} decimals")

    def panel(self, panel: dict[str, Any], data: dict[str, Any]) -> None:
        where = f"panel {panel['id']} ({panel['title']})"
        self.panels.add(panel["id"])
        expected_state = {"ok": "ready", "nodata": "ready", "error": "error"}[data["state"]]
        if panel["state"] != expected_state:
            self.problems.append(f"{where}: data-state {panel['state']}, API {data['state']}")
            return
        defaults = data["fieldConfig"]
        no_value = defaults.get("noValue", "No data")
        if data["state"] == "nodata":
            self.compared += 1
            if panel["noData"] != no_value:
                self.problems.append(f"{where}: {panel['noData']!r} for no data, not {no_value!r}")
        elif data["type"] in REDUCED_TYPES:
            self.reduced(where, panel["stats" if data["type"] == "stat" else "bars"], data)
        else:
            self.time_series(where, panel, data)

    def reduced(self, where: str, shown: list[dict[str, Any]], data: dict[str, Any]) -> None:
        """A stat's tiles or a bar gauge's bars: one value per series, the server's reduction."""
        frames = data["frames"]
        if len(shown) != len(frames):
            self.problems.append(f"{where}: {len(shown)} values for {len(frames)} series")
            return
        for frame, tile in zip(frames, shown, strict=True):
            if tile["name"] is not None and tile["name"] != frame["name"]:
                self.problems.append(f"{where}: series {tile['name']!r}, not {frame['name']!r}")
            reduced = frame.get("reduced") or {}
            if "text" in reduced:  # a value mapping's text is shown as it is
                self.compared += 1
                if tile["value"] != reduced["text"]:
                    self.problems.append(f"{where}: {tile['value']!r}, mapped {reduced['text']!r}")
            else:
                no_value = data["fieldConfig"].get("noValue", "No data")
                self.value(
                    f"{where} {frame['name']}",
                    tile["value"],
                    reduced.get("value"),
                    data["fieldConfig"],
                    no_value,
                )

    def time_series(self, where: str, panel: dict[str, Any], data: dict[str, Any]) -> None:
        """A chart's summary table (last, min, max, mean per series) and its legend."""
        frames = data["frames"]
        names = [row[0] for row in panel["summary"]]
        if names != [frame["name"] for frame in frames]:
            self.problems.append(
                f"{where}: series {names} in its table, {[f['name'] for f in frames]} in the API"
            )
            return
        legend = {item["name"]: item["values"] for item in panel["legend"]}
        for frame, row in zip(frames, panel["summary"], strict=True):
            summary = series_summary(frame["values"])
            for column, statistic in enumerate(("last", "min", "max", "mean"), start=1):
                self.value(
                    f"{where} {frame['name']} {statistic} (data table)",
                    row[column],
                    summary[statistic],
                    data["fieldConfig"],
                    NO_VALUE_IN_TABLES,
                )
            if frame["name"] not in legend:
                continue
            found = _LEGEND_VALUES.match(legend[frame["name"]])
            if not found:
                self.problems.append(f"{where}: legend {legend[frame['name']]!r} unreadable")
                continue
            for statistic in ("last", "mean"):
                self.value(
                    f"{where} {frame['name']} {statistic} (legend)",
                    found[statistic],
                    summary[statistic],
                    data["fieldConfig"],
                    NO_VALUE_IN_TABLES,
                )


def compare_panels(
    shown: list[dict[str, Any]], answer: dict[str, Any], *, only: set[str] | None = None
) -> Comparison:
    """What the panels of the kinds compared show against the API's answer."""
    comparison = Comparison()
    for panel in shown:
        data = answer["panels"].get(panel["id"])
        if only is not None and panel["id"] not in only:
            continue
        if data is not None and data["type"] in {*REDUCED_TYPES, TIME_SERIES}:
            comparison.panel(panel, data)
    return comparison


def shown_panels(page: Page) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = page.evaluate(_SHOWN_JS)
    return panels


def url_range(page: Page) -> tuple[str, str] | None:
    query = parse_qs(urlsplit(page.url).query)
    if "from" not in query:
        return None
    return query["from"][0], query["to"][0]


def open_pinned(page: Page, api: httpx.Client, uid: str) -> tuple[int, int, DataRequests]:
    start, end = pinned_range(api, uid)
    requests = DataRequests(page)
    page.goto(f"/d/{uid}?from={start}&to={end}")
    wait_for_dashboard(page)
    asked = requests.bodies[0]
    assert (asked["from"], asked["to"]) == (str(start), str(end)), asked
    return start, end, requests


def assert_shows_api_answer(
    page: Page,
    api: httpx.Client,
    uid: str,
    asked: dict[str, Any],
    *,
    only: set[str] | None = None,
    timeout_s: float = 10,
) -> dict[str, Any]:
    """Until the panels show the API's answer to `asked` (an answer may still be drawing);
    fails with the differences still there after `timeout_s`. Returns the answer."""
    answer = api_answer(api, uid, asked)
    deadline = time.monotonic() + timeout_s
    while True:
        wait_for_dashboard(page)
        comparison = compare_panels(shown_panels(page), answer, only=only)
        if not comparison.problems and comparison.compared:
            return answer
        if time.monotonic() > deadline:
            problems = comparison.problems or ["nothing compared"]
            raise AssertionError(f"{uid} ({asked}):\n" + "\n".join(problems))
        page.wait_for_timeout(200)


# --- tests ---------------------------------------------------------------------------------------


def test_the_api_lists_the_templates_these_tests_open(api: httpx.Client) -> None:
    listed = api.get("/api/dashboards/templates").json()
    assert sorted(template["uid"] for template in listed) == TEMPLATES


@pytest.mark.parametrize("uid", TEMPLATES)
def test_template_shows_the_values_the_data_api_answers(
    page: Page, api: httpx.Client, uid: str
) -> None:
    _, _, requests = open_pinned(page, api, uid)
    answer = api_answer(api, uid, requests.bodies[0])
    shown = shown_panels(page)
    comparison = compare_panels(shown, answer)
    assert not comparison.problems, f"{uid}:\n" + "\n".join(comparison.problems)
    # Every panel of the kinds compared is on the page and was compared.
    kinds = {
        panel_id
        for panel_id, data in answer["panels"].items()
        if data["type"] in {*REDUCED_TYPES, TIME_SERIES}
    }
    assert comparison.panels == kinds, f"compared {comparison.panels}, API answers for {kinds}"
    assert comparison.compared >= len(kinds)

    # A time series' data table lists its points, newest first, as the API answers them.
    series_panel = next(
        (
            panel_id
            for panel_id, data in answer["panels"].items()
            if data["type"] == TIME_SERIES and data["state"] == "ok"
        ),
        None,
    )
    if series_panel is None:
        return
    located = page.locator(f'[data-panel-id="{series_panel}"]')
    located.locator(".panel-table-toggle").click()
    expect(located.locator(".table-scroll table")).to_be_visible()
    frames = answer["panels"][series_panel]["frames"]
    unit = answer["panels"][series_panel]["fieldConfig"].get("unit")
    times = sorted({t for frame in frames for t in frame["timestamps"]}, reverse=True)
    by_time = [dict(zip(frame["timestamps"], frame["values"], strict=True)) for frame in frames]
    rows = next(p for p in shown_panels(page) if p["id"] == series_panel)["points"]
    assert len(rows) == min(len(times), 500)
    for row, moment in zip(rows[:5], times, strict=False):
        for cell, values in zip(row[1:], by_time, strict=True):
            expected = values.get(moment)
            assert shows_value(cell, expected, unit, NO_VALUE_IN_TABLES), (moment, cell, expected)
    located.locator(".panel-table-toggle").click()
    expect(located.locator(".plot")).to_be_visible()


def test_dragging_across_a_chart_zooms_in_and_back_returns(page: Page, api: httpx.Client) -> None:
    uid, chart = "operations", "16"  # API latency P50 / P95 / P99
    start, end, requests = open_pinned(page, api, uid)
    picker = page.get_by_role("button", name=re.compile("^Time range:"))
    range_before = picker.inner_text()
    plot = page.locator(f'[data-panel-id="{chart}"] .u-over')
    box = plot.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    asked_before = len(requests.bodies)
    with page.expect_request(is_data_request):
        page.mouse.move(box["x"] + box["width"] * 0.25, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=5)
        page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=5)
        page.mouse.up()
    zoomed = url_range(page)
    assert zoomed is not None and all(re.fullmatch(r"\d+", end_) for end_ in zoomed), page.url
    low, high = map(int, zoomed)
    span = end - start
    assert start <= low < high <= end, (start, low, high, end)
    # The half of the chart dragged across, give or take a few pixels and the seconds' rounding.
    assert abs(low - (start + span * 0.25)) < span * 0.05, (low - start) / span
    assert abs(high - (start + span * 0.75)) < span * 0.05, (high - start) / span
    assert requests.bodies[asked_before:][-1]["from"] == str(low)
    wait_for_dashboard(page)
    assert_shows_api_answer(page, api, uid, requests.last)
    expect(picker).not_to_have_text(range_before)  # the picker names the zoomed range

    with page.expect_request(is_data_request) as back:
        page.go_back()
    assert urlsplit(page.url).query == f"from={start}&to={end}", page.url
    expect(picker).to_have_text(range_before)
    assert (back.value.post_data_json["from"], back.value.post_data_json["to"]) == (
        str(start),
        str(end),
    )
    assert_shows_api_answer(page, api, uid, back.value.post_data_json)


def test_the_comparison_fails_on_a_number_shown_wrong(page: Page, api: httpx.Client) -> None:
    """The checks above are only worth something if a wrong number fails them: an API answer
    changed by a little (as a UI bug would show it) must differ from what the page shows."""
    uid = "operations"
    _, _, requests = open_pinned(page, api, uid)
    answer = api_answer(api, uid, requests.bodies[0])
    shown = shown_panels(page)
    assert not compare_panels(shown, answer).problems
    # 5 % off: API latency P95 (a stat, "249 ms") and the P50 line's last point of the chart.
    stat, chart = answer["panels"]["9"], answer["panels"]["16"]
    stat["frames"][0]["reduced"]["value"] *= 1.05
    values = chart["frames"][0]["values"]
    values[max(i for i, value in enumerate(values) if value is not None)] *= 1.05
    problems = compare_panels(shown, answer).problems
    assert any(problem.startswith("panel 9 ") for problem in problems), problems
    assert any(problem.startswith("panel 16 ") and " last " in problem for problem in problems)


def reduced(answer: dict[str, Any], panel_id: str) -> float:
    """The reduced value of a panel's first series."""
    value: float = answer["panels"][panel_id]["frames"][0]["reduced"]["value"]
    return value


def test_changing_variables_asks_for_their_data_and_shows_it(page: Page, api: httpx.Client) -> None:
    uid = "service-red"
    _, _, requests = open_pinned(page, api, uid)
    every_project = assert_shows_api_answer(page, api, uid, requests.bodies[0])

    def asks_for(name: str, values: list[str]) -> Any:
        return page.expect_request(
            lambda request: (
                is_data_request(request) and request.post_data_json["vars"].get(name) == values
            )
        )

    # An interval variable, as a drop-down.
    with asks_for("window", ["1h"]) as asked:
        page.get_by_label("Window", exact=True).select_option("1h")
    assert "var-window=1h" in page.url
    hourly = assert_shows_api_answer(page, api, uid, asked.value.post_data_json)
    assert reduced(hourly, "3") != reduced(every_project, "3"), "the window changed no P95"

    # A multi-value variable, as check boxes in a drop-down: one project instead of all.
    picker = page.locator(".variable", has_text="Project")
    picker.locator("summary").click()
    with asks_for("project", ["draco"]) as asked:
        picker.get_by_role("checkbox", name="draco").check()
    assert asked.value.post_data_json["vars"]["window"] == ["1h"], "the other variable was lost"
    assert "var-project=draco" in page.url and "var-window=1h" in page.url
    expect(picker.locator("summary")).to_have_text("draco")
    one_project = assert_shows_api_answer(page, api, uid, asked.value.post_data_json)
    rates = reduced(hourly, "1"), reduced(one_project, "1")
    assert 0 < rates[1] < rates[0], f"request rate of one project {rates[1]}, of all {rates[0]}"


def row_members(api: httpx.Client, uid: str) -> dict[str, list[str]]:
    """The ids of the panels under each row of an expanded dashboard, by row title."""
    panels = api.get(f"/api/dashboards/{uid}").json()["dashboard"]["panels"]
    members: dict[str, list[str]] = {}
    current: list[str] | None = None
    for panel in sorted(panels, key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"])):
        if panel["type"] == "row":
            current = members.setdefault(panel["title"], [])
        elif current is not None:
            current.append(str(panel["id"]))
    return members


def test_rows_collapse_and_expand_from_the_keyboard(page: Page, api: httpx.Client) -> None:
    uid = "operations"
    members = row_members(api, uid)
    api_panels, below = members["API"], members["Jobs"]
    _, _, requests = open_pinned(page, api, uid)
    row = page.locator(".row-header button", has_text=re.compile(r"^API"))
    jobs = page.locator(".row-header button", has_text=re.compile(r"^Jobs"))
    jobs_top = jobs.bounding_box()
    assert jobs_top is not None

    row.focus()
    page.keyboard.press("Enter")
    expect(row).to_have_attribute("aria-expanded", "false")
    expect(row).to_contain_text(f"{len(api_panels)} panels")
    for panel_id in api_panels:
        expect(page.locator(f'[data-panel-id="{panel_id}"]')).to_have_count(0)
    for panel_id in below:
        expect(page.locator(f'[data-panel-id="{panel_id}"]')).to_be_visible()
    moved = jobs.bounding_box()
    assert moved is not None and moved["y"] < jobs_top["y"] - 100, "the rows below did not move up"

    page.keyboard.press("Space")
    expect(row).to_have_attribute("aria-expanded", "true")
    expect(row).to_be_focused()
    wait_for_dashboard(page)
    assert_shows_api_answer(page, api, uid, requests.bodies[0], only=set(api_panels))
    back = jobs.bounding_box()
    assert back is not None and abs(back["y"] - jobs_top["y"]) < 2


def test_time_range_presets_from_the_keyboard(page: Page) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    picker = page.get_by_role("button", name=re.compile(r"^Time range:"))
    expect(picker).to_contain_text("Last 1 hour")

    def tab_to(target: Any, presses: int = 40) -> None:
        for _ in range(presses):
            page.keyboard.press("Tab")
            if target.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"Tab did not reach {target} in {presses} presses")

    tab_to(picker)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Time range")
    expect(dialog).to_be_visible()
    # Focus moves into the dialog: the next Tabs go through its fields to the presets.
    assert dialog.evaluate("dialog => dialog.contains(document.activeElement)")
    preset = dialog.get_by_role("button", name="Last 3 hours", exact=True)
    tab_to(preset)
    with page.expect_request(
        lambda request: is_data_request(request) and request.post_data_json["from"] == "now-3h"
    ):
        page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(picker).to_be_focused()
    expect(picker).to_contain_text("Last 3 hours")
    assert urlsplit(page.url).query == "from=now-3h&to=now", page.url
    wait_for_dashboard(page)

    # Space opens it again with the current preset marked; Escape closes it where it was.
    page.keyboard.press("Space")
    expect(dialog).to_be_visible()
    expect(preset).to_have_attribute("aria-current", "true")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(picker).to_be_focused()
    assert urlsplit(page.url).query == "from=now-3h&to=now"
