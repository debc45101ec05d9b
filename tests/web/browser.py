"""Helpers for tests that drive the web UI: waiting for dashboards, accessibility, screenshots."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
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


def run_axe(page: Page) -> list[Violation]:
    """The page's serious and critical WCAG 2.1 A/AA violations, as it is now."""
    if not page.evaluate("() => 'axe' in window"):
        # Evaluated rather than added as a <script>: the page's Content-Security-Policy would
        # rightly refuse an inline script, and it is that policy which is under test.
        page.evaluate(_axe_source())
    result = page.evaluate(_AXE_RUN_JS, WCAG_21_A_AND_AA)
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
