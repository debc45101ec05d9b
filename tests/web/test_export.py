"""Exporting and sharing what a dashboard shows: a panel's CSV and PNG, links to a view and to a
panel alone, the print view and its PDF, and reading a chart from the keyboard.

Numbers are compared with the data API's answer to the question the page asked (the same range,
variables and width), with the range pinned in the URL a minute back so no sample still arrives
inside it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import time
import zlib
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.sync_api import Locator, Page, Response, expect

from tests.web.browser import (
    DataRequests,
    describe_violations,
    is_data_request,
    panel_states,
    run_axe,
    shows_value,
    wait_for_dashboard,
)
from tests.web.conftest import PageOpener

LATENCY_PANEL = "API latency P50 / P95 / P99"  # a time series of the operations dashboard
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
A4_LANDSCAPE_PT = (841.92, 595.92)
NO_VALUE = "\u2013"  # how the chart's texts write a missing value (an en dash)


def pinned_view(api: httpx.Client, uid: str) -> str:
    """The dashboard's own span as absolute times ending a whole minute at least a minute ago,
    with refresh off: a view whose data cannot change while a test reads it."""
    span = api.get(f"/api/dashboards/{uid}").json()["dashboard"]["time"]["from"]
    found = re.fullmatch(r"now-(\d+)([hd])", span)
    assert found, f"{uid}: an unexpected range {span}"
    span_ms = int(found[1]) * {"h": 3_600_000, "d": 86_400_000}[found[2]]
    end = (int(time.time() * 1000) // 60_000 - 1) * 60_000
    return f"/d/{uid}?from={end - span_ms}&to={end}&refresh=off"


def answers_data(response: Response) -> bool:
    return is_data_request(response.request)


def panel_of_type(answer: dict[str, Any], kind: str, min_frames: int = 1) -> str:
    return next(
        panel_id
        for panel_id, data in answer["panels"].items()
        if data["type"] == kind and data["state"] == "ok" and len(data["frames"]) >= min_frames
    )


def open_panel_menu(page: Page, panel_id: str) -> Locator:
    """Opens a panel's menu from the keyboard; returns the menu."""
    button = page.locator(f'[data-panel-id="{panel_id}"] button[aria-haspopup="menu"]')
    button.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    return menu


def download_from_menu(page: Page, panel_id: str, item: str) -> bytes:
    menu = open_panel_menu(page, panel_id)
    with page.expect_download() as started:
        menu.get_by_role("menuitem", name=item).click()
    path = started.value.path()
    assert path is not None, f"{item}: the download failed ({started.value.failure()})"
    return path.read_bytes()


def iso_ms(text: str) -> int:
    assert text.endswith("Z"), f"{text!r} is not in UTC"
    return round(datetime.fromisoformat(text).timestamp() * 1000)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def png_pixel_bytes(data: bytes) -> bytes:
    """The PNG's image data, decompressed (still filtered: enough to tell a picture from a fill)."""
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return zlib.decompress(b"".join(chunks))


def share_link(page: Page) -> str:
    """The Share dialog's link, as shown."""
    link = page.get_by_role("dialog").get_by_role("textbox", name="Link to this view")
    return link.input_value()


def time_range_text(page: Page) -> str:
    return page.get_by_role("button", name=re.compile("^Time range:")).inner_text().strip()


# --- downloads -------------------------------------------------------------------------------


def test_a_panels_csv_holds_the_numbers_of_the_data_api(page: Page, api: httpx.Client) -> None:
    with page.expect_response(answers_data) as answered:
        page.goto(pinned_view(api, "operations"))
    wait_for_dashboard(page)
    answer = answered.value.json()

    # A time series: a row per time in UTC, a column per series, the numbers as numbers.
    series = panel_of_type(answer, "timeseries", min_frames=2)
    frames = answer["panels"][series]["frames"]
    rows = list(csv.reader(io.StringIO(download_from_menu(page, series, "Download CSV").decode())))
    assert rows[0] == ["time", *[frame["name"] for frame in frames]]
    times = sorted({moment for frame in frames for moment in frame["timestamps"]})
    assert [iso_ms(row[0]) for row in rows[1:]] == times
    for column, frame in enumerate(frames, start=1):
        values = dict(zip(frame["timestamps"], frame["values"], strict=True))
        cells = [row[column] for row in rows[1:]]
        expected = [values.get(moment) for moment in times]
        assert [None if cell == "" else float(cell) for cell in cells] == expected, frame["name"]

    # A stat: a row per series with the reduced value it shows.
    stat = panel_of_type(answer, "stat")
    stat_frames = answer["panels"][stat]["frames"]
    rows = list(csv.reader(io.StringIO(download_from_menu(page, stat, "Download CSV").decode())))
    assert rows[0][0] == "series" and rows[0][-1] == "value"
    assert [(row[0], float(row[-1])) for row in rows[1:]] == [
        (frame["name"], frame["reduced"]["value"]) for frame in stat_frames
    ]


def test_a_panels_png_is_the_panel_at_the_screens_pixel_ratio(open_page: PageOpener) -> None:
    page = open_page(device_scale_factor=2)
    page.goto("/d/llm-usage")
    wait_for_dashboard(page)
    # A uPlot canvas, an SVG pie and a stat's text: each drawn its own way into the picture.
    for kind in ("timeseries", "piechart", "stat"):
        panel = page.locator(f".panel-{kind}").first
        panel_id = panel.get_attribute("data-panel-id")
        assert panel_id is not None
        png = download_from_menu(page, panel_id, "Download PNG")
        box = panel.bounding_box()
        assert box is not None
        assert png_size(png) == (round(box["width"] * 2), round(box["height"] * 2)), kind
        assert len(set(png_pixel_bytes(png))) > 40, f"{kind}: the picture is nearly one colour"


# --- links -----------------------------------------------------------------------------------


def test_a_share_link_opens_the_same_range_and_variables(
    open_page: PageOpener,
) -> None:
    page = open_page()
    page.goto("/d/service-red?var-project=atlas&var-project=borealis&var-window=15m")
    wait_for_dashboard(page)
    # A drag across a chart zooms in: the view's range is now absolute.
    over = page.locator(".panel-timeseries .u-over").first
    box = over.bounding_box()
    assert box is not None
    middle = box["y"] + box["height"] / 2
    with (
        page.expect_request(is_data_request) as asked,
        page.expect_response(answers_data) as answered,
    ):
        page.mouse.move(box["x"] + box["width"] * 0.3, middle)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, middle, steps=8)
        page.mouse.up()
    assert re.search(r"from=\d+&to=\d+", page.url), page.url
    wait_for_dashboard(page)
    seen = asked.value.post_data_json
    seen_answer = answered.value.json()

    page.get_by_role("button", name="Share").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    link = share_link(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    dialog.get_by_role("button", name="Copy").click()
    expect(dialog.get_by_role("status")).to_have_text("Link copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == link

    opened = open_page()
    opened_requests = DataRequests(opened)
    opened.goto(link)
    wait_for_dashboard(opened)
    asked = opened_requests.bodies[0]
    assert (asked["from"], asked["to"]) == (seen["from"], seen["to"])
    # Every variable named, with the values the first page used (its defaults resolved too).
    assert asked["vars"] == {
        name: variable["current"] for name, variable in seen_answer["variables"].items()
    }
    assert time_range_text(opened) == time_range_text(page)
    assert opened.locator(".variables").inner_text() == page.locator(".variables").inner_text()


def test_lock_time_range_chooses_between_absolute_and_relative_links(page: Page) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    page.get_by_role("button", name="Share").click()
    locked = parse_qs(urlsplit(share_link(page)).query)
    start, end = int(locked["from"][0]), int(locked["to"][0])
    assert end - start == 3_600_000  # the dashboard's "last 1 hour", fixed
    assert abs(end - time.time() * 1000) < 120_000

    page.get_by_role("checkbox", name="Lock time range").uncheck()
    relative = parse_qs(urlsplit(share_link(page)).query)
    assert (relative["from"], relative["to"]) == (["now-1h"], ["now"])

    page.get_by_role("checkbox", name="Open in the dark theme").check()
    assert parse_qs(urlsplit(share_link(page)).query)["theme"] == ["dark"]
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("button", name="Share")).to_be_focused()


def test_the_dashboard_exports_as_its_json_and_as_grafanas(page: Page, api: httpx.Client) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    page.get_by_role("button", name="Share").click()
    for name, format_ in (("Export JSON", "pulseboard"), ("Export for Grafana", "grafana")):
        with page.expect_download() as started:
            page.get_by_role("link", name=name).click()
        path = started.value.path()
        assert path is not None
        expected = api.get(f"/api/dashboards/operations/export?format={format_}").json()
        assert json.loads(path.read_bytes()) == expected


def test_a_link_to_a_panel_opens_it_alone_and_escape_returns(open_page: PageOpener) -> None:
    page = open_page()
    page.goto("/d/operations")
    wait_for_dashboard(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    panel_id = page.get_by_role("region", name=LATENCY_PANEL).get_attribute("data-panel-id")
    assert panel_id is not None
    open_panel_menu(page, panel_id).get_by_role("menuitem", name="Copy link to panel").click()
    expect(page.locator(".toast")).to_have_text("Link to the panel copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert parse_qs(urlsplit(link).query)["viewPanel"] == [panel_id]

    alone = open_page()
    alone.goto(link)
    assert list(wait_for_dashboard(alone)) == [panel_id]
    panel = alone.locator(f'[data-panel-id="{panel_id}"]').bounding_box()
    assert panel is not None and panel["height"] > 0.7 * 900 and panel["width"] > 0.95 * 1440

    alone.keyboard.press("Escape")
    expect(alone).not_to_have_url(re.compile("viewPanel"))
    assert len(wait_for_dashboard(alone)) > 10


# --- print -----------------------------------------------------------------------------------


def test_the_print_view_draws_every_panel_and_prints_to_a_pdf(page: Page) -> None:
    page.goto("/d/operations?print=a4-landscape")
    page.locator('[data-print-state="ready"]').wait_for(timeout=30_000)
    states = panel_states(page)
    assert states and set(states.values()) == {"ready"}, states
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    assert len(pages) >= 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    width, height = float(box[1]), float(box[2])
    assert abs(width - A4_LANDSCAPE_PT[0]) < 2 and abs(height - A4_LANDSCAPE_PT[1]) < 2

    # Rendered, the first page holds the dashboard (not a blank or a dark sheet).
    if shutil.which("pdftoppm"):
        grey = subprocess.run(
            ["pdftoppm", "-f", "1", "-l", "1", "-r", "30", "-gray", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout
        pixels = grey.split(b"\n", 3)[3]  # after the PGM header: P5, size, maximum
        inked = sum(1 for value in pixels if value < 200) / len(pixels)
        assert 0.01 < inked < 0.5, f"{inked:.1%} of the page is ink"


def test_print_waits_for_every_panel_and_returns_to_the_dashboard(page: Page) -> None:
    # window.print() stands in for the browser's print dialog: it notes what was drawn.
    page.add_init_script(
        "window.print = () => { window.printed = [...document.querySelectorAll('[data-panel-id]')]"
        ".map(panel => panel.dataset.state); };"
    )
    page.goto("/d/operations")
    wait_for_dashboard(page)
    page.get_by_role("button", name="Print or save as PDF").click()
    printed = page.wait_for_function("() => window.printed", timeout=30_000).json_value()
    assert printed and set(printed) == {"ready"}, printed
    expect(page).to_have_url(re.compile(r"/d/operations$"))


# --- the keyboard -----------------------------------------------------------------------------


def test_the_keyboard_reads_a_time_series_point_by_point(page: Page, api: httpx.Client) -> None:
    with page.expect_response(answers_data) as answered:
        page.goto(pinned_view(api, "operations"))
    wait_for_dashboard(page)
    answer = answered.value.json()
    panel_id = page.get_by_role("region", name=LATENCY_PANEL).get_attribute("data-panel-id")
    assert panel_id is not None
    data = answer["panels"][panel_id]
    unit = data["fieldConfig"].get("unit")
    panel = page.locator(f'[data-panel-id="{panel_id}"]')
    reading = panel.locator("[aria-live=polite]")

    def points(series: int) -> list[tuple[int, float]]:
        frame = data["frames"][series]
        return [
            (moment, value)
            for moment, value in zip(frame["timestamps"], frame["values"], strict=True)
            if value is not None
        ]

    def assert_reads(series: int, moment: int, value: float) -> None:
        name = data["frames"][series]["name"]
        expect(reading).to_have_attribute("data-time", str(moment))
        assert reading.get_attribute("data-series") == name
        assert float(reading.get_attribute("data-value") or "nan") == value
        text = reading.inner_text()
        assert text.startswith(f"{name}, "), text
        assert shows_value(text.rsplit(": ", 1)[1], value, unit, NO_VALUE), (text, value)

    panel.get_by_role("img", name=re.compile("time series chart")).focus()
    page.keyboard.press("End")
    assert_reads(0, *points(0)[-1])
    expect(panel.locator(".tooltip")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    assert_reads(0, *points(0)[-2])
    page.keyboard.press("ArrowDown")
    second = dict(points(1))
    assert points(0)[-2][0] in second
    assert_reads(1, points(0)[-2][0], second[points(0)[-2][0]])
    page.keyboard.press("Home")
    assert_reads(1, *points(1)[0])
    page.keyboard.press("Escape")
    expect(reading).to_have_text("")
    expect(panel.locator(".tooltip")).to_be_hidden()


def test_the_panel_menu_is_a_menu_button_for_the_keyboard(page: Page) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    button = page.get_by_role("button", name=f"Menu for {LATENCY_PANEL}")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("menuitem", name="View panel")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitemcheckbox", name="Show data table")).to_be_focused()
    page.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Copy link to panel")).to_be_focused()
    page.keyboard.press("ArrowDown")  # round to the first
    expect(menu.get_by_role("menuitem", name="View panel")).to_be_focused()
    page.keyboard.press("d")  # the next item starting with "d"
    expect(menu.get_by_role("menuitem", name="Download CSV")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(button).to_be_focused()

    # The data table, from the menu: the item says it is on.
    page.keyboard.press("ArrowDown")
    page.get_by_role("menuitemcheckbox", name="Show data table").press("Enter")
    panel = page.get_by_role("region", name=LATENCY_PANEL)
    expect(panel.locator(".table-scroll table")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("menuitemcheckbox", name="Show data table")).to_have_attribute(
        "aria-checked", "true"
    )


def test_the_menu_and_the_share_dialog_have_no_serious_accessibility_violations(
    page: Page,
) -> None:
    page.goto("/d/service-red")
    wait_for_dashboard(page)
    panel_id = page.locator(".panel-timeseries").first.get_attribute("data-panel-id")
    assert panel_id is not None
    open_panel_menu(page, panel_id)
    violations = run_axe(page)
    assert not violations, "menu open:\n" + describe_violations(violations)
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    violations = run_axe(page)
    assert not violations, "share dialog open:\n" + describe_violations(violations)
