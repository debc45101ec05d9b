"""Browser tests: a real `pulseboard demo` server with its backfilled week of data, and Debian's
Chromium driven by Playwright (a test tool's own browser download cannot be fetched here)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    sync_playwright,
)
from playwright.sync_api import Error as PageError

import pulseboard
from tests.conftest import ServerProcess, free_port, start_server, stop_server
from tests.web.browser import screenshot

BUILT_UI = Path(pulseboard.__file__).parent / "web" / "index.html"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    # The network is closed: without these, Chromium keeps trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1440, "height": 900}
# The built-in dashboards that the demo workload feeds (Pulseboard itself shows its own scrapes).
DEMO_DASHBOARDS = ("business-overview", "operations", "llm-usage", "service-red")
DEMO_DATA_SECONDS = 180
_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.fixture(scope="session", autouse=True)
def built_ui() -> None:
    """Every test here needs the built web UI. CI builds it first (make test), so there a missing
    build is a failure; on a developer's machine the tests are skipped until `make web`."""
    if BUILT_UI.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{BUILT_UI} is missing: the web UI was not built")
    pytest.skip(f"the web UI is not built ({BUILT_UI} is missing): run `make web`")


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """`pulseboard demo` on a free port; ready once its dashboards show the backfilled data."""
    root = tmp_path_factory.mktemp("web")
    config = root / "pulseboard.yml"
    # `pulseboard demo` is `pulseboard serve` with this setting, and start_server runs `serve`.
    config.write_text("demo:\n  enabled: true\n")
    server = start_server(root / "data", free_port(), config=config)
    try:
        wait_for_demo_data(server)
        yield server
    finally:
        stop_server(server)


def wait_for_demo_data(server: ServerProcess) -> None:
    """Return once every panel of the demo's dashboards has data, i.e. the backfill is done."""
    deadline = time.monotonic() + DEMO_DATA_SECONDS
    without_data = {uid: ["not asked yet"] for uid in DEMO_DASHBOARDS}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"demo server exited with {server.process.returncode}")
            # Dashboards already complete are not asked again: on two cores the queries would
            # slow the backfill they wait for.
            for uid in [uid for uid, panels in without_data.items() if panels]:
                states = panel_data_states(client, uid)
                without_data[uid] = [
                    f"{panel} ({state})" for panel, state in states.items() if state != "ok"
                ]
            if not any(without_data.values()):
                return
            time.sleep(1)
    raise RuntimeError(
        f"demo data not there after {DEMO_DATA_SECONDS} s; panels without it: {without_data}\n"
        f"{server.log()}"
    )


def panel_data_states(client: httpx.Client, uid: str) -> dict[str, str]:
    """The state of each panel's data (ok, nodata, error) by panel id, as the API answers it."""
    answer = client.post(f"/api/dashboards/{uid}/data", json={})
    answer.raise_for_status()
    return {panel: data["state"] for panel, data in answer.json()["panels"].items()}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/install-test-deps installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@dataclass
class PageProblems:
    """What went wrong in a page while a test drove it, in words for the failure message."""

    origin: str
    found: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", self._uncaught)
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            self.found.append(
                f"console error: {message.text} ({where['url']}:{where['lineNumber']})"
            )

    def _uncaught(self, error: PageError) -> None:
        self.found.append(f"uncaught: {error.stack or error.message}")

    def _request(self, request: Request) -> None:
        # Pulseboard runs where the internet is out of reach: the UI must load nothing from it.
        if not request.url.startswith((f"{self.origin}/", "data:", "blob:")):
            self.found.append(f"request to another origin: {request.method} {request.url}")


@pytest.fixture
def page(
    browser: Browser, demo_server: ServerProcess, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A page in a fresh browser context on the demo server (page.goto("/") opens its home).
    The test fails on any console error, uncaught exception or request to another origin; a
    failed test leaves tests/web/screenshots/failed-<test>.png."""
    context = browser.new_context(viewport=VIEWPORT, base_url=demo_server.url)
    opened = context.new_page()
    problems = PageProblems(demo_server.url)
    problems.watch(opened)
    try:
        yield opened
        report = request.node.stash.get(_CALL_REPORT, None)
        if report is not None and report.failed:
            screenshot(opened, "failed-" + re.sub(r"[^\w.-]+", "_", request.node.name))
    finally:
        context.close()
    if problems.found:
        pytest.fail("the page went wrong:\n" + "\n".join(problems.found), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps the outcome of each test's call for the `page` fixture's teardown."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


THEMES = ("dark", "light")
# web/src/app/theme.ts keeps the viewer's choice here (web/src/app/storage.ts adds the prefix).
THEME_SETTING = "pulseboard.theme"


@pytest.fixture(scope="session")
def api(demo_server: ServerProcess) -> Iterator[httpx.Client]:
    """An HTTP client on the demo server's API."""
    with httpx.Client(base_url=demo_server.url, timeout=30) as client:
        yield client


class PageOpener(Protocol):
    def __call__(
        self,
        *,
        viewport: dict[str, int] | None = None,
        theme: str | None = None,
        device_scale_factor: float | None = None,
    ) -> Page: ...


@pytest.fixture
def open_page(
    browser: Browser, demo_server: ServerProcess, request: pytest.FixtureRequest
) -> Iterator[PageOpener]:
    """open_page(viewport=..., theme="light") -> a page in a new browser context, watched as the
    `page` fixture's is (console errors, uncaught exceptions and requests to other origins fail
    the test; a failed test leaves screenshots/failed-<test>-<n>.png). `theme` is stored as the
    theme toggle stores it, before the app starts; None leaves the app's default."""
    contexts: list[tuple[BrowserContext, Page]] = []
    problems = PageProblems(demo_server.url)

    def open_one(
        *,
        viewport: dict[str, int] | None = None,
        theme: str | None = None,
        device_scale_factor: float | None = None,
    ) -> Page:
        options: dict[str, Any] = {"viewport": viewport or VIEWPORT, "base_url": demo_server.url}
        if device_scale_factor is not None:
            options["device_scale_factor"] = device_scale_factor
        context = browser.new_context(**options)
        if theme is not None:
            # about:blank has no storage of its own: only the app's pages are given the theme.
            context.add_init_script(
                f"if (location.origin === {json.dumps(demo_server.url)})"
                f" localStorage.setItem({json.dumps(THEME_SETTING)}, {json.dumps(theme)});"
            )
        opened = context.new_page()
        problems.watch(opened)
        contexts.append((context, opened))
        return opened

    try:
        yield open_one
        report = request.node.stash.get(_CALL_REPORT, None)
        if report is not None and report.failed:
            name = "failed-" + re.sub(r"[^\w.-]+", "_", request.node.name)
            for number, (_, opened) in enumerate(contexts):
                if not opened.is_closed():
                    screenshot(opened, f"{name}-{number}")
    finally:
        for context, _ in contexts:
            context.close()
    if problems.found:
        pytest.fail("the page went wrong:\n" + "\n".join(problems.found), pytrace=False)


@contextmanager
def page_answered_with(browser: Browser, server: ServerProcess, *statuses: int) -> Iterator[Page]:
    """A page watched as the `page` fixture's is, for a test that provokes error answers of
    `statuses` on purpose (a conflict, an invalid document): the browser logs each as a console
    error, which here is expected."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    problems = PageProblems(server.url)
    page = context.new_page()
    problems.watch(page)
    try:
        yield page
    finally:
        context.close()
    answered = re.compile(rf"status of ({'|'.join(map(str, statuses))}) ")
    unexpected = [found for found in problems.found if not answered.search(found)]
    assert not unexpected, "the page went wrong:\n" + "\n".join(unexpected)
