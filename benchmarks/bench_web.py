"""The web UI in a browser: first view of a dashboard, its JavaScript, a 10,000-point chart, and
what one live tick redraws.

    python benchmarks/bench_web.py [--runs 7] [--uid operations]

Starts `pulseboard serve` with the demo workload, waits for the templates' data as the browser
tests do, then drives Debian's Chromium (headless, through Playwright). Each run is cold: a new
browser context with the cache disabled. Times are taken in the page (performance.now(), from
navigation start) by a MutationObserver installed before the app starts, not by polling from
Python. Medians of --runs runs are printed, with their goals:
- Operations (20 panels): the first panel with data-state="ready" (< 1 s) and every panel
  ready or failed (< 1.5 s);
- JavaScript of that first view: script responses as served, and gzipped (< 300 KB gz);
- a time series of 10,000 points: from its data parsed (the data request's JSON) to the panel
  drawn (Preact render, alignment, uPlot's build and first draw), and to the next frame (< 50 ms);
- live ticks of a dashboard of 6 time series, of which one gets a new point every second and the
  others every 15 s: per WebSocket frame, the panels it concerns, those whose DOM changed (a
  MutationObserver per panel) and those whose canvas was redrawn (goal: only those it concerns).
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import free_port, start_server, stop_server
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, wait_for_demo_data

T = TypeVar("T")
GOALS = {"first_ms": 1000, "all_ms": 1500, "js_gz_kb": 300, "draw_ms": 50}
POINTS = 10_000
LIVE_PANELS = 6
LIVE_SECONDS = 16  # over a 15 s step: panels 2-6 get their frame too
# The name a performance.measure around a chart's draw would have in the UI (none yet).
UI_MEASURE = "pulseboard:chart-draw"
# A query that answers a point at every step without stored data.
WAVE = "sin(vector(time()) / 300) * 100 + 200"

# Before the app starts: when panels turn ready, in the page's own clock (ms since navigation
# start), and, once they all are, the next frame (when the browser paints them).
_READY_WATCH_JS = """(() => {
    const seen = window.__bench = {firstReady: null, allReady: null, allPainted: null, panels: 0,
                                   ready: {}, dataParsed: null, dataParseMs: null};
    const check = () => {
        const panels = document.querySelectorAll('[data-panel-id]');
        if (!panels.length) return;
        let settled = 0;
        for (const panel of panels) {
            const state = panel.dataset.state;
            if (state === 'ready' && !(panel.dataset.panelId in seen.ready))
                seen.ready[panel.dataset.panelId] = performance.now();
            if (state === 'ready' || state === 'error') settled += 1;
        }
        if (seen.firstReady === null && Object.keys(seen.ready).length)
            seen.firstReady = Math.min(...Object.values(seen.ready));
        if (seen.allReady === null && settled === panels.length) {
            seen.allReady = performance.now();
            seen.panels = panels.length;
            requestAnimationFrame(() => { seen.allPainted = performance.now(); });
        }
    };
    new MutationObserver(check).observe(document, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'],
    });
    // When the panel data's JSON is parsed: where drawing starts.
    const json = Response.prototype.json;
    Response.prototype.json = async function () {
        const began = performance.now();
        const value = await json.call(this);
        if (/\\/api\\/dashboards\\/[^/]+\\/data$/.test(new URL(this.url).pathname)) {
            seen.dataParsed = performance.now();
            seen.dataParseMs = seen.dataParsed - began;
        }
        return value;
    };
})();"""

# Before the app starts: per live frame received, which panels' DOM changed and which panels'
# canvases were cleared (uPlot clears its canvas before each redraw).
_LIVE_WATCH_JS = """(() => {
    const live = window.__live = {frames: [], current: null};
    const panelOf = node => (node.nodeType === 1 ? node : node.parentElement)
        ?.closest?.('[data-panel-id]')?.dataset.panelId;
    const onFrame = data => {
        let ids = [];
        try { ids = [].concat(JSON.parse(data)).map(m => m.id).filter(Boolean); } catch {}
        live.current = {at: performance.now(), ids, mutated: {}, redrawn: {}};
        live.frames.push(live.current);
    };
    const Original = window.WebSocket;
    window.WebSocket = class extends Original {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', event => onFrame(event.data));
        }
    };
    new MutationObserver(records => {
        if (!live.current) return;
        for (const record of records) {
            const id = panelOf(record.target);
            if (id) live.current.mutated[id] = (live.current.mutated[id] ?? 0) + 1;
        }
    }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
    const clear = CanvasRenderingContext2D.prototype.clearRect;
    CanvasRenderingContext2D.prototype.clearRect = function (...args) {
        const id = live.current && panelOf(this.canvas);
        if (id) live.current.redrawn[id] = (live.current.redrawn[id] ?? 0) + 1;
        return clear.apply(this, args);
    };
})();"""


def cold_page(browser: Browser, script: str) -> tuple[BrowserContext, Page]:
    """A new context (empty cache) with the cache disabled, and `script` run before the app."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(script)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    return context, page


def load(page: Page, url: str) -> dict[str, Any]:
    """Open `url` and wait until every panel is drawn; the page's timings (window.__bench)."""
    answer = page.goto(url, wait_until="commit")
    if answer is None or answer.status != 200:
        # Another build of the UI replacing its files answers 503 for a moment.
        raise RuntimeError(f"{url}: {answer and answer.status}")
    try:
        page.wait_for_function("() => window.__bench.allPainted !== null", timeout=60_000)
    except PlaywrightTimeoutError:
        states = page.evaluate(
            "() => [...document.querySelectorAll('[data-panel-id]')]"
            ".map(p => `${p.dataset.panelId}:${p.dataset.state}`).join(' ')"
        )
        raise RuntimeError(f"{url}: panels not drawn in 60 s: {states or 'none'}") from None
    seen: dict[str, Any] = page.evaluate("() => window.__bench")
    # The UI's own performance measures, if it has any (UI_MEASURE: the chart's draw).
    seen["measures"] = page.evaluate(
        "prefix => performance.getEntriesByType('measure')"
        ".filter(entry => entry.name.startsWith(prefix)).map(entry => entry.duration)",
        UI_MEASURE,
    )
    return seen


def retried(measure: Callable[[], T], tries: int = 3) -> T:
    """`measure()`, again after a failure (the UI rebuilt meanwhile), up to `tries` times."""
    for attempt in range(1, tries + 1):
        try:
            return measure()
        except RuntimeError as error:
            if attempt == tries:
                raise
            print(f"  (run failed, again in 5 s: {error})")
            time.sleep(5)
    raise AssertionError("unreachable")


def cold_load(browser: Browser, url: str) -> dict[str, Any]:
    context, page = cold_page(browser, _READY_WATCH_JS)
    try:
        return load(page, url)
    finally:
        context.close()


def first_view(browser: Browser, url: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One cold load of a dashboard: the page's timings and the scripts it loaded."""
    context, page = cold_page(browser, _READY_WATCH_JS)
    scripts: list[Response] = []

    def keep(response: Response) -> None:
        kind = response.headers.get("content-type", "")
        if response.request.resource_type == "script" or "javascript" in kind:
            scripts.append(response)

    page.on("response", keep)
    try:
        seen = load(page, url)
        loaded = []
        for response in scripts:
            body = response.body()
            loaded.append(
                {
                    "url": response.url,
                    "encoding": response.headers.get("content-encoding"),
                    "served": response.request.sizes()["responseBodySize"],
                    "bytes": len(body),
                    "gzip": len(gzip.compress(body, 6)),
                }
            )
        return seen, loaded
    finally:
        context.close()


def report(label: str, values: list[float], goal_ms: float | None = None) -> None:
    """One line: the median of `values` (ms) with its range, and the goal if there is one."""
    middle = statistics.median(values)
    line = f"  {label}: median {middle:.0f} ms (min {min(values):.0f}, max {max(values):.0f})"
    if goal_ms is not None:
        line += f"; goal < {goal_ms:g} ms: {'ok' if middle < goal_ms else 'OVER GOAL'}"
    print(line)


def measure_first_view(
    browser: Browser, client: httpx.Client, base: str, uid: str, runs: int
) -> None:
    # Panels without queries (text, alert list) are ready before any data: the first panel that
    # counts is one that shows data.
    with_data = list(client.post(f"/api/dashboards/{uid}/data", json={}).json()["panels"])
    url = f"{base}/d/{uid}"
    results = [retried(lambda: first_view(browser, url)) for _ in range(runs + 1)][1:]
    first = [min(seen["ready"].get(panel, 1e9) for panel in with_data) for seen, _ in results]
    first_any = [seen["firstReady"] for seen, _ in results]
    every = [seen["allReady"] for seen, _ in results]
    painted = [seen["allPainted"] for seen, _ in results]
    panels = results[0][0]["panels"]
    print(f"\n/d/{uid}: {panels} panels, {runs} cold loads (new context, cache disabled)")
    report("first panel ready (any, static ones too)", first_any)
    report("first panel with data ready", first, GOALS["first_ms"])
    report("all panels ready", every, GOALS["all_ms"])
    report("all panels painted (the next frame)", painted)

    scripts = results[0][1]
    encodings = {script["encoding"] for script in scripts}
    served = sum(script["served"] for script in scripts)
    gzipped = sum(script["gzip"] for script in scripts)
    print(f"  JavaScript of the first view: {len(scripts)} files")
    for script in sorted(scripts, key=lambda s: -s["bytes"]):
        print(f"    {script['url'].rsplit('/', 1)[-1]}: {script['bytes'] / 1024:.1f} KB, "
              f"{script['gzip'] / 1024:.1f} KB gzipped")  # fmt: skip
    compressed = encodings - {None}
    how = f"served {', '.join(sorted(compressed))}" if compressed else "served uncompressed"
    print(f"  JS transferred: {served / 1024:.1f} KB ({how}); gzipped (-6): "
          f"{gzipped / 1024:.1f} KB; goal < {GOALS['js_gz_kb']} KB gz: "
          f"{'ok' if gzipped / 1024 < GOALS['js_gz_kb'] else 'OVER GOAL'}")  # fmt: skip


def ten_thousand_points(client: httpx.Client) -> str:
    """A dashboard of one full-width time series whose query answers 10,000 points (a sine
    wave, so no stored data is needed): its uid."""
    uid = f"bench-web-{uuid.uuid4().hex[:8]}"
    document = {
        "uid": uid,
        "title": "10,000 points",
        "time": {"from": f"now-{POINTS}s", "to": "now"},
        "panels": [
            {
                "id": 1,
                "type": "timeseries",
                "title": "A sine wave, one point a second",
                "gridPos": {"x": 0, "y": 0, "w": 24, "h": 12},
                "interval": "1s",
                "maxDataPoints": POINTS,
                "targets": [
                    {
                        "refId": "A",
                        "expr": "sin(vector(time()) / 300) * 100 + 200",
                        "legendFormat": "wave",
                    }
                ],
            }
        ],
    }
    client.post("/api/dashboards", json=document).raise_for_status()
    answer = client.post(f"/api/dashboards/{uid}/data", json={}).json()
    points = len(answer["panels"]["1"]["frames"][0]["timestamps"])
    assert points >= POINTS, f"the panel's query answers {points} points, not {POINTS}"
    return uid


def measure_big_chart(browser: Browser, client: httpx.Client, base: str, runs: int) -> None:
    uid = ten_thousand_points(client)
    try:
        drawn, painted, parsed, own = [], [], [], []
        for run in range(runs + 1):
            seen = retried(lambda: cold_load(browser, f"{base}/d/{uid}"))
            if run:  # the first run warms the server's caches and Chromium
                own.extend(seen["measures"])
                drawn.append(seen["ready"]["1"] - seen["dataParsed"])
                painted.append(seen["allPainted"] - seen["dataParsed"])
                parsed.append(seen["dataParseMs"])
        print(f"\n{POINTS:,} points in one time series ({runs} cold loads)")
        report("JSON parse of the panel data", parsed)
        report("data parsed -> panel drawn (render, uPlot build, draw)", drawn, GOALS["draw_ms"])
        report("data parsed -> the next frame", painted)
        if own:
            report(f"uPlot's draw, as the UI measures it ({UI_MEASURE}*)", own, GOALS["draw_ms"])
        else:
            print(f"  (the UI has no performance.measure named {UI_MEASURE}*: uPlot's draw alone "
                  "is not measured apart from the panel's render)")  # fmt: skip
    finally:
        client.delete(f"/api/dashboards/{uid}")


def live_dashboard(client: httpx.Client) -> str:
    """A dashboard of 6 time series of the same changing query: panel 1 at a step of 1 s, the
    others at 15 s, so most live ticks (1 s) bring a new point for panel 1 alone. Its uid."""
    uid = f"bench-web-live-{uuid.uuid4().hex[:8]}"
    panels = [
        {
            "id": i,
            "type": "timeseries",
            "title": f"Step {'1s' if i == 1 else '15s'}",
            "gridPos": {"x": (i - 1) % 3 * 8, "y": (i - 1) // 3 * 8, "w": 8, "h": 8},
            "interval": "1s" if i == 1 else "15s",
            "targets": [{"refId": "A", "expr": WAVE, "legendFormat": "wave"}],
        }
        for i in range(1, LIVE_PANELS + 1)
    ]
    document = {
        "uid": uid,
        "title": "Live ticks",
        "time": {"from": "now-5m", "to": "now"},
        "refresh": "1s",  # live updates every second
        "panels": panels,
    }
    client.post("/api/dashboards", json=document).raise_for_status()
    return uid


def measure_live_tick(browser: Browser, client: httpx.Client, base: str) -> None:
    uid = live_dashboard(client)
    context, page = cold_page(browser, _LIVE_WATCH_JS)
    try:
        page.goto(f"{base}/d/{uid}?live=1")
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-panel-id][data-state=ready]').length"
            f" === {LIVE_PANELS}"
        )
        page.wait_for_function("() => window.__live.frames.length >= 2", timeout=20_000)
        page.wait_for_timeout(1_500)  # every subscription's first (whole range) message is in
        settled = page.evaluate("() => window.__live.frames.length")
        page.wait_for_timeout(LIVE_SECONDS * 1000)
        frames = page.evaluate("() => window.__live.frames")[settled:]
    finally:
        context.close()
        client.delete(f"/api/dashboards/{uid}")
    ticks = []
    for frame in frames:
        messaged = {re.sub(r"^p(\d+)\..*", r"\1", id_) for id_ in frame["ids"]}
        ticks.append((messaged, set(frame["mutated"]), set(frame["redrawn"])))
    print(f"\nlive: {LIVE_PANELS} time series, panel 1 at a 1 s step, the others at 15 s; "
          f"{len(ticks)} frames over {LIVE_SECONDS} s")  # fmt: skip

    def ids(panels: set[str]) -> str:
        return ", ".join(sorted(panels, key=int)) or "none"

    kinds = Counter(
        f"frames for panels {ids(messaged)}: DOM of {ids(mutated)} changed, canvases of "
        f"{ids(redrawn)} redrawn"
        for messaged, mutated, redrawn in ticks
    )
    for kind, count in kinds.items():
        print(f"  {count} {kind}")
    strays = [(m, d | r) for m, d, r in ticks if not (d | r) <= m]
    alone = [t for t in ticks if t[0] == {"1"}]
    print(f"  frames for panel 1 alone: {len(alone)}; frames that re-rendered a panel they did "
          f"not concern: {len(strays)}; goal: only the changed panel re-renders: "
          f"{'ok' if alone and not strays else 'NO'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--uid", default="operations")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        config = root / "pulseboard.yml"
        config.write_text("demo:\n  enabled: true\n")
        server = start_server(root / "data", free_port(), config=config)
        try:
            began = time.perf_counter()
            wait_for_demo_data(server)
            print(f"demo data ready in {time.perf_counter() - began:.0f} s")
            with httpx.Client(base_url=server.url, timeout=60) as client, sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                try:
                    measure_first_view(browser, client, server.url, args.uid, args.runs)
                    measure_big_chart(browser, client, server.url, args.runs)
                    measure_live_tick(browser, client, server.url)
                finally:
                    browser.close()
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
