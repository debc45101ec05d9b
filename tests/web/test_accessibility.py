"""Accessibility of every screen in both themes: axe-core's WCAG 2.1 A/AA rules (serious and
critical violations fail), the theme toggle, and the keyboard: the skip link first, focus moved
to main, every control of the top bar and the dashboard toolbar reachable by Tab in order, each
with a focus indicator one can see (WCAG 2.4.7, and 3:1 against what surrounds it, 1.4.11)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pulseboard.dashboards.provisioning import template_dashboards
from tests.web.browser import describe_violations, run_axe, wait_for_dashboard, wait_for_screen
from tests.web.conftest import THEME_SETTING, THEMES, PageOpener

SCREENS = (
    "/",
    *(f"/d/{uid}" for uid in sorted(template_dashboards())),
    "/explore",
    "/alerting",
    "/notifications",
    "/settings",
    "/no-such-page",  # the app's own "Page not found"
)
# The axe rules about colours, which a theme can break (the others hold in both or in neither).
THEME_RULES = ["color-contrast", "link-in-text-block"]
FOCUS_CONTRAST = 3.0  # WCAG 1.4.11: a focus indicator is a user interface component

# The controls a keyboard user can reach in an area, in document order (hidden ones are not).
_CONTROLS_JS = """area => [...document.querySelectorAll(
    `${area} :is(a[href], button, select, input, textarea, summary, [tabindex])`
)].filter(element => !element.disabled && element.tabIndex >= 0
    && element.getClientRects().length > 0
    && getComputedStyle(element).visibility !== 'hidden'
    && !element.closest('[hidden], details:not([open]) > :not(summary)'))
 .map((element, index) => {
    element.dataset.keyboardCheck = `${area}#${index}`;
    return element.dataset.keyboardCheck;
 })"""

# The focused element, and what its focus looks like against what is behind it.
_FOCUSED_JS = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    let behind = 'rgba(0, 0, 0, 0)';
    for (let up = element.parentElement; up; up = up.parentElement) {
        const color = getComputedStyle(up).backgroundColor;
        if (!/rgba\\(.*, 0\\)$/.test(color) && color !== 'transparent') { behind = color; break; }
    }
    return {
        check: element.dataset.keyboardCheck ?? null,
        name: (element.getAttribute('aria-label') || element.textContent || element.tagName)
            .trim().replace(/\\s+/g, ' ').slice(0, 60),
        focusVisible: element.matches(':focus-visible'),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        outlineColor: style.outlineColor,
        boxShadow: style.boxShadow,
        behind,
    };
}"""


def rgb(color: str) -> tuple[float, float, float, float]:
    found = re.match(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", color)
    assert found, f"not an rgb() colour: {color}"
    red, green, blue = (float(found[i]) for i in (1, 2, 3))
    return red, green, blue, float(found[4]) if found[4] is not None else 1.0


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two opaque rgb() colours."""

    def luminance(color: str) -> float:
        channels = [c / 255 for c in rgb(color)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focus_problem(focused: dict[str, Any]) -> str | None:
    """Why the focused element's focus is not visible enough, or None."""
    if not focused["focusVisible"]:
        return "does not match :focus-visible after Tab"
    if focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2:
        if rgb(focused["outlineColor"])[3] == 0:
            return f"a transparent outline ({focused['outlineColor']})"
        ratio = contrast(focused["outlineColor"], focused["behind"])
        if ratio < FOCUS_CONTRAST:
            return f"outline {focused['outlineColor']} on {focused['behind']}: {ratio:.2f}:1"
        return None
    if focused["boxShadow"] != "none":
        return None
    return f"no outline ({focused['outlineStyle']} {focused['outlineWidth']}px) nor box-shadow"


# --- axe -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCREENS)
def test_screen_has_no_serious_accessibility_violations_in_either_theme(
    open_page: PageOpener, path: str
) -> None:
    page = open_page(theme=THEMES[0])
    page.goto(path)
    wait_for_screen(page)
    found = []
    for theme in THEMES:
        if page.evaluate("() => document.documentElement.dataset.theme") != theme:
            # As a viewer switches: the charts draw again in the theme's colours.
            page.get_by_role("button", name=f"Switch to the {theme} theme").click()
            page.wait_for_function(f"() => document.documentElement.dataset.theme === '{theme}'")
            page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
            wait_for_screen(page)
        # The themes differ in colours only: the second one is checked for colour contrast.
        violations = run_axe(page, None if theme == THEMES[0] else THEME_RULES)
        if violations:
            found.append(f"{theme} theme:\n{describe_violations(violations)}")
    assert not found, f"{path}:\n" + "\n".join(found)


def test_the_theme_toggle_switches_and_is_remembered(page: Page) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "dark")
    background = page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
    page.get_by_role("button", name="Switch to the light theme").click()
    expect(html).to_have_attribute("data-theme", "light")
    assert page.evaluate(f"() => localStorage.getItem('{THEME_SETTING}')") == "light"
    assert (
        page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")
        != background
    )
    wait_for_dashboard(page)  # the charts drew again in the light theme's colours
    page.reload()
    wait_for_dashboard(page)
    expect(html).to_have_attribute("data-theme", "light")
    expect(page.get_by_role("button", name="Switch to the dark theme")).to_be_visible()


# --- keyboard ----------------------------------------------------------------------------------


def test_the_first_tab_on_a_page_reaches_the_skip_link(page: Page) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused(timeout=500)


def test_the_skip_link_shows_when_focused_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/d/operations")
    wait_for_dashboard(page)
    skip = page.get_by_role("link", name="Skip to content")
    skip.focus()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 10, f"skip link not shown: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes to the first control of the content, past the top bar.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


# Both toolbars (service-red's has variables) and both themes' focus colours.
@pytest.mark.parametrize(("uid", "theme"), [("operations", "dark"), ("service-red", "light")])
def test_tab_reaches_every_control_of_the_top_bar_and_toolbar_with_visible_focus(
    open_page: PageOpener, uid: str, theme: str
) -> None:
    page = open_page(theme=theme)
    page.goto(f"/d/{uid}")
    wait_for_dashboard(page)
    wanted = [
        *page.evaluate(_CONTROLS_JS, ".topbar"),
        *page.evaluate(_CONTROLS_JS, ".dashboard-toolbar"),
    ]
    assert len(wanted) >= 10, wanted
    # From the skip link, the first stop on the page (see the test above).
    page.get_by_role("link", name="Skip to content").focus()
    reached: list[str] = []
    problems: list[str] = []
    for _ in range(len(wanted) + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED_JS)
        if focused is None or focused["check"] is None:
            continue
        reached.append(focused["check"])
        problem = focus_problem(focused)
        if problem:
            problems.append(f"{focused['check']} {focused['name']!r}: {problem}")
        if focused["check"] == wanted[-1]:
            break
    assert reached == wanted, f"Tab order {reached}, controls in document order {wanted}"
    assert not problems, f"{uid} ({theme}) focus not visible:\n" + "\n".join(problems)
