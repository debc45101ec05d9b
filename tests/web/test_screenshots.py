"""Every screen in both themes at desktop (1440x900) and phone (390x844) sizes, saved to
tests/web/screenshots/<screen>-<size>-<theme>.png once drawn, and what must hold at each size:
nothing wider than the screen, panels one under the other below 640 px, side by side on a
desktop, and nothing cut off at 200 % zoom (a 1440x900 screen zoomed is 720x450 CSS pixels)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from pulseboard.dashboards.provisioning import template_dashboards
from tests.web.browser import horizontal_overflow, screenshot, wait_for_screen
from tests.web.conftest import PageOpener
from tests.web.test_accessibility import SCREENS

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
ZOOMED = {"width": 720, "height": 450}  # 1440x900 at 200 %

# Each panel's width against the content width of the grid it is in.
_PANEL_WIDTHS_JS = """() => [...document.querySelectorAll('[data-panel-id]')].map(panel => {
    const grid = panel.parentElement;
    const style = getComputedStyle(grid);
    const inner = grid.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {id: panel.dataset.panelId, width: panel.getBoundingClientRect().width, grid: inner,
            top: Math.round(panel.getBoundingClientRect().top)};
})"""


def screen_name(path: str) -> str:
    return re.sub(r"[^\w-]+", "-", path.strip("/")) or "home"


def settle(page: Page) -> None:
    """Until the screen is drawn again after a change of size or theme (charts draw on the
    next frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    wait_for_screen(page)


def toggle_theme(page: Page, to: str) -> None:
    page.get_by_role("button", name=f"Switch to the {to} theme").click()
    page.wait_for_function(f"() => document.documentElement.dataset.theme === '{to}'")
    settle(page)


def popover_problems(page: Page) -> list[str]:
    """What sticks out of the screen while each drop-down of the dashboard toolbar is open (the
    time range, multi-value variables)."""
    problems = []
    openers = page.locator(
        "main .dashboard-toolbar :is(.popover-anchor > button[aria-haspopup],"
        " .variables details.multi-select > summary)"
    )
    for index in range(openers.count()):
        opener = openers.nth(index)
        name = opener.inner_text().strip() or f"drop-down {index}"
        opener.click()
        page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
        problems += [f"{name!r} open: {problem}" for problem in horizontal_overflow(page)]
        page.keyboard.press("Escape")
    return problems


@pytest.mark.parametrize("path", SCREENS)
def test_screen_fits_desktop_and_phone_in_both_themes(open_page: PageOpener, path: str) -> None:
    page = open_page(viewport=DESKTOP, theme="dark")
    page.goto(path)
    wait_for_screen(page)
    problems: list[str] = []
    # One load, four looks: dark desktop, dark phone, light phone, light desktop.
    for size, theme in (
        ("desktop", "dark"),
        ("phone", "dark"),
        ("phone", "light"),
        ("desktop", "light"),
    ):
        if page.evaluate("() => document.documentElement.dataset.theme") != theme:
            toggle_theme(page, theme)
        if page.viewport_size != (PHONE if size == "phone" else DESKTOP):
            page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
            settle(page)
        screenshot(page, f"{screen_name(path)}-{size}-{theme}")
        where = f"{size} {theme}"
        problems += [f"{where}: {problem}" for problem in horizontal_overflow(page)]
        panels = page.evaluate(_PANEL_WIDTHS_JS)
        if size == "phone":
            narrow = [p["id"] for p in panels if p["width"] < p["grid"] - 1]
            if narrow:
                problems.append(f"{where}: panels {narrow} not the full width of the screen")
        elif len(panels) > 1 and len({p["top"] for p in panels}) == len(panels):
            problems.append(f"{where}: {len(panels)} panels, none side by side")
    assert not problems, f"{path}:\n" + "\n".join(problems)


# Dashboards with drop-downs of check boxes (multi-value variables) besides the time range's.
MULTI_VALUE = sorted(
    uid
    for uid, dashboard in template_dashboards().items()
    if any(getattr(variable, "multi", False) for variable in dashboard.variables)
)


@pytest.mark.parametrize("uid", MULTI_VALUE)
def test_toolbar_drop_downs_stay_on_a_phone_screen(open_page: PageOpener, uid: str) -> None:
    page = open_page(viewport=PHONE, theme="dark")
    page.goto(f"/d/{uid}")
    wait_for_screen(page)
    problems = popover_problems(page)
    assert not problems, f"{uid} at {PHONE['width']} px:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", SCREENS)
def test_nothing_is_cut_off_at_200_percent_zoom(open_page: PageOpener, path: str) -> None:
    page = open_page(viewport=ZOOMED, device_scale_factor=2, theme="dark")
    page.goto(path)
    wait_for_screen(page)
    assert page.evaluate("() => devicePixelRatio") == 2
    screenshot(page, f"{screen_name(path)}-zoom200-dark")
    problems = horizontal_overflow(page)
    assert not problems, f"{path} at 200 %:\n" + "\n".join(problems)
