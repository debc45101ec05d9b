"""Helpers for tests that drive the web UI: waiting for dashboards, accessibility, screenshots."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE_SOURCE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
SETTLED_STATES = ("ready", "error")

Violation = dict[str, Any]  # as axe-core reports it: id, impact, help, helpUrl, nodes, ...

_PANEL_STATES_JS = """() => Object.fromEntries(
    [...document.querySelectorAll('[data-panel-id]')]
        .map(p => [p.dataset.panelId, p.dataset.state ?? null])
)"""
_ALL_PANELS_SETTLED_JS = """settled => {
    const panels = [...document.querySelectorAll('[data-panel-id]')];
    return panels.length > 0 && panels.every(p => settled.includes(p.dataset.state));
}"""
_AXE_RUN_JS = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
})"""
_AXE_RULES_JS = """rules => axe.run(document, {
    runOnly: {type: 'rule', values: rules},
    resultTypes: ['violations'],
})"""


def panel_states(page: Page) -> dict[str, str | None]:
    """Each panel on the page by its data-panel-id: its data-state, None while not drawn yet."""
    states: dict[str, str | None] = page.evaluate(_PANEL_STATES_JS)
    return states


def wait_for_dashboard(page: Page, timeout_ms: float = 30_000) -> dict[str, str | None]:
    """Wait until every panel on the page is drawn ("ready") or has failed ("error"); returns
    panel_states(page)."""
    try:
        page.wait_for_function(_ALL_PANELS_SETTLED_JS, arg=list(SETTLED_STATES), timeout=timeout_ms)
    except PlaywrightTimeoutError:
        unsettled = {
            panel: state
            for panel, state in panel_states(page).items()
            if state not in SETTLED_STATES
        }
        raise AssertionError(
            f"{page.url}: panels not drawn after {timeout_ms / 1000:.0f} s: "
            f"{unsettled or 'no [data-panel-id] on the page'}"
        ) from None
    return panel_states(page)


@functools.cache
def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: axe-core is a devDependency of web/; run `make web`")
    return AXE_SOURCE.read_text()


def run_axe(page: Page, rules: list[str] | None = None) -> list[Violation]:
    """The page's serious and critical WCAG 2.1 A/AA violations, as it is now; `rules` (axe
    rule ids, such as "color-contrast") runs only those."""
    if not page.evaluate("() => 'axe' in window"):
        # Evaluated rather than added as a <script>: the page's Content-Security-Policy would
        # rightly refuse an inline script, and it is that policy which is under test.
        page.evaluate(_axe_source())
    if rules is None:
        result = page.evaluate(_AXE_RUN_JS, WCAG_21_A_AND_AA)
    else:
        result = page.evaluate(_AXE_RULES_JS, rules)
    return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe_violations(violations: list[Violation]) -> str:
    """One line per violation, with the first few elements it was found on: for assert messages."""
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:3])
        more = len(violation["nodes"]) - 3
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
            + (f" and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Saves the page as tests/web/screenshots/<name>.png (git-ignored) and returns the path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path


# --- values as the panels show them (web/src/format/units.ts) -------------------------------

_SHORT = {"": 1.0, " K": 1e3, " M": 1e6, " B": 1e9, " T": 1e12, " Q": 1e15}
_SECONDS = {
    " ns": 1e-9,
    " µs": 1e-6,
    " ms": 1e-3,
    " s": 1.0,
    " min": 60.0,
    " hour": 3_600.0,
    " day": 86_400.0,
    " week": 604_800.0,
    " year": 31_536_000.0,
}
# Per unit: each suffix the UI writes after the number, and what one of it is in the unit.
_UNIT_SUFFIXES: dict[str, dict[str, float]] = {
    "short": _SHORT,
    "none": {"": 1.0},
    "percent": {"%": 1.0},
    "percentunit": {"%": 0.01},
    "s": _SECONDS,
    "ms": {suffix: size * 1e3 for suffix, size in _SECONDS.items()},
    "bytes": {
        suffix: 1024.0**power
        for power, suffix in enumerate([" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"])
    },
    "decbytes": {
        suffix: 1000.0**power
        for power, suffix in enumerate([" B", " kB", " MB", " GB", " TB", " PB", " EB"])
    },
    "reqps": {f"{suffix} req/s": size for suffix, size in _SHORT.items()},
    "ops": {f"{suffix} ops/s": size for suffix, size in _SHORT.items()},
    "currencyUSD": {suffix.strip(): size for suffix, size in _SHORT.items()},
    "currencyEUR": {suffix.strip(): size for suffix, size in _SHORT.items()},
}
_SHOWN_NUMBER = re.compile(
    r"^(?P<sign>-?)[$€]?(?P<number>-?\d+(?:\.(?P<fraction>\d+))?)(?P<suffix>.*)$"
)


def shown_number(text: str, unit: str | None) -> tuple[float, float]:
    """A number as a panel shows it in `unit` ("99.80%", "248.751 ms", "$1.20 K") -> its value
    in the unit and how far the true value can be from it (half of the last digit shown)."""
    suffixes = _UNIT_SUFFIXES.get(unit or "short")
    if suffixes is None:  # a unit the UI does not know is written after the number
        suffixes = {f" {unit}": 1.0}
    found = _SHOWN_NUMBER.match(text.strip())
    if found is None or found["suffix"] not in suffixes:
        raise AssertionError(f"{text!r} is not a number in unit {unit!r}")
    size = suffixes[found["suffix"]]
    number = float(found["number"]) * (-1 if found["sign"] else 1)
    last_digit = 10.0 ** -len(found["fraction"] or "")
    return number * size, last_digit / 2 * size


def shows_value(text: str, expected: float | None, unit: str | None, no_value: str) -> bool:
    """Whether `text` is how a panel shows `expected` in `unit` (rounded as displayed); None
    (no value) is shown as `no_value`."""
    if expected is None or not math.isfinite(expected):
        return text.strip() == no_value
    try:
        shown, tolerance = shown_number(text, unit)
    except AssertionError:
        return False
    return abs(shown - expected) <= tolerance * (1 + 1e-9) + abs(expected) * 1e-12


# --- page geometry ----------------------------------------------------------------------------

_HORIZONTAL_OVERFLOW_JS = """() => {
    // What a reader needs to see: elements with text of their own, and controls.
    const isContent = element => element.matches('input, select, textarea, button, img')
        || [...element.childNodes].some(node => node.nodeType === 3 && node.data.trim());
    const describe = (element, why) => {
        const box = element.getBoundingClientRect();
        const text = (element.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
        return `${element.tagName.toLowerCase()}.${[...element.classList].join('.')} `
            + `"${text}" (${Math.round(box.left)}..${Math.round(box.right)}) ${why}`;
    };
    const cut = [];
    for (const element of document.querySelectorAll('main *')) {
        if (element.closest('.sr-only, .uplot, svg') || !isContent(element)) continue;
        // Not drawn (inside a closed <details>, visibility: hidden), or pinned to the viewport.
        if (!element.checkVisibility({visibilityProperty: true})) continue;
        const box = element.getBoundingClientRect();
        if (!box.width || !box.height) continue;
        let clipped = null;
        for (let up = element; up && up !== document.body; up = up.parentElement) {
            const style = getComputedStyle(up);
            if (style.textOverflow === 'ellipsis') break;  // shortened on purpose, with an ellipsis
            if (up !== element && ['auto', 'scroll'].includes(style.overflowX)) break;  // scrolls
            if (up !== element && ['hidden', 'clip'].includes(style.overflowX)) {
                const inside = up.getBoundingClientRect();
                if (box.right > inside.right + 1 || box.left < inside.left - 1)
                    clipped = describe(element, `clipped by ${up.tagName.toLowerCase()}.`
                        + [...up.classList].join('.'));
                break;
            }
            if (style.position === 'fixed') break;
            if (up.parentElement === document.body && (box.right > innerWidth + 1 || box.left < -1))
                clipped = describe(element, 'outside the viewport');
        }
        if (clipped) cut.push(clipped);
    }
    return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth, cut: cut.slice(0, 8)};
}"""


def horizontal_overflow(page: Page) -> list[str]:
    """What is cut off sideways: the page scrolling horizontally, and text or controls in main
    that end beyond the viewport or beyond a box that clips them (unless shortened on purpose
    with an ellipsis, or in a box that scrolls sideways); [] when nothing is."""
    found = page.evaluate(_HORIZONTAL_OVERFLOW_JS)
    problems = []
    if found["scrollWidth"] > found["innerWidth"]:
        problems.append(
            f"the page is {found['scrollWidth']} px wide in a {found['innerWidth']} px viewport"
        )
    problems += [f"cut off: {element}" for element in found["cut"]]
    return problems


# --- what a page asks the server ----------------------------------------------------------------

_DATA_PATH = re.compile(r"/api/dashboards/(?P<uid>[^/]+)/data$")


class DataRequests:
    """The bodies of the panel data requests (POST /api/dashboards/<uid>/data) a page sends, in
    order, from the moment this is created."""

    def __init__(self, page: Page) -> None:
        self.bodies: list[dict[str, Any]] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        if request.method == "POST" and _DATA_PATH.search(urlsplit(request.url).path):
            self.bodies.append(request.post_data_json)

    @property
    def last(self) -> dict[str, Any]:
        assert self.bodies, "the page asked for no panel data"
        return self.bodies[-1]


def is_data_request(request: Request) -> bool:
    return request.method == "POST" and bool(_DATA_PATH.search(urlsplit(request.url).path))


def wait_for_screen(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until the screen has drawn: every panel of a dashboard (the home page holds one),
    else the page's heading with nothing in main still loading."""
    page.locator("main h1").first.wait_for(timeout=timeout_ms)
    if page.locator("main [data-panel-id]").count() or page.locator("main .dashboard").count():
        wait_for_dashboard(page, timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('main [aria-busy=\"true\"], main .loading')",
        timeout=timeout_ms,
    )
