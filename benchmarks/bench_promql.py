"""PromQL range-query latency: our server against Prometheus itself, same data, same run.

    python benchmarks/bench_promql.py [--series 2000] [--hours 6] [--runs 7]
    python benchmarks/bench_promql.py --series 20000

The data (benchmarks/promql_data.py: request counters, latency histograms, gauges; 15 s interval)
goes into Prometheus as TSDB blocks built by promtool and into a `pulseboard serve` process through
/api/v1/import/prometheus. Each dashboard/alert query runs as a range query over the last 1 h at a
60 s step and over 6 h at a 5 m step, through both HTTP APIs, warm: the figure is the median of
--runs runs after two warm-up runs, each run's range moved by a second so that our result
cache (also switched off) cannot answer it. Reference: Debian's Prometheus 2.42, measured in
this run.
Goal (issue #3): median ratio <= 1.0 at 2k series and <= 1.5 at 20k series, no query slower than
3x, our server's memory under 1 GiB during the heaviest query (peak RSS is printed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.promql_data import (
    QUERIES,
    build_blocks,
    differences,
    generate,
    import_into_pulseboard,
    matrix_of,
    query_grid,
    query_range,
    start_prometheus,
    stop_process,
    write_openmetrics,
)
from tests.conftest import free_port, start_server, stop_server

WARMUP_RUNS = 2


class PeakRss:
    """Samples a process tree's resident memory every few milliseconds; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self._process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def current(self) -> int:
        processes = [self._process, *self._process.children(recursive=True)]
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            time.sleep(0.01)

    def reset(self) -> None:
        self.peak = self.current()

    def __enter__(self) -> PeakRss:
        self.reset()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(
    client: httpx.Client, url: str, query: str, grid: tuple[float, float, int], shift: int
) -> float:
    """One range query's wall time; `shift` seconds move the range so no result cache answers.

    A few seconds of shift keep query_grid's property: evaluation times stay off the minute (so
    off every subquery step) and on whole seconds (so off every jittered sample)."""
    start, end, step = grid
    began = time.perf_counter()
    shift %= 50
    response = query_range(client, url, query, start + shift, end + shift, step)
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {query}: {response.status_code} {response.text[:300]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=2_000, help="about this many series")
    parser.add_argument("--hours", type=float, default=6.0, help="hours of data at 15 s")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query (median)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", default="", help="comma-separated query names to run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        sys.exit("Debian's prometheus and promtool are needed (apt-get install prometheus)")

    root = Path(tempfile.mkdtemp(prefix="bench-promql-"))
    end_ms = (time.time_ns() // 1_000_000 // 60_000) * 60_000 - 60_000
    began = time.perf_counter()
    data = generate(args.series, args.hours, end_ms, args.seed)
    print(
        f"data: {data.series_count} series x {args.hours:g} h at 15 s = "
        f"{data.sample_count:,} samples (generated in {time.perf_counter() - began:.1f} s)"
    )
    began = time.perf_counter()
    write_openmetrics(data, root / "data.om")
    build_blocks(root / "data.om", root / "prometheus")
    (root / "data.om").unlink()
    print(f"prometheus blocks built by promtool in {time.perf_counter() - began:.1f} s")

    prometheus_port = free_port()
    prometheus = start_prometheus(root / "prometheus", prometheus_port, root / "prometheus.log")
    prometheus_url = f"http://127.0.0.1:{prometheus_port}"
    client = httpx.Client(timeout=600)
    server = None
    try:
        # Time the engine, not the dashboard result cache (Prometheus has none).
        os.environ["PULSEBOARD_QUERY__CACHE_TTL"] = "0s"
        server = start_server(root / "pulseboard", free_port())
        began = time.perf_counter()
        import_into_pulseboard(server.url, data, client)
        elapsed = time.perf_counter() - began
        print(f"imported into pulseboard in {elapsed:.1f} s ({data.sample_count / elapsed:,.0f}/s)")
        grids = {
            "1h@60s": query_grid(end_ms, 1.0, 60),
            f"{args.hours:g}h@5m": query_grid(end_ms, args.hours, 300),
        }
        names = [n for n in args.only.split(",") if n] or list(QUERIES)
        rows = []
        with PeakRss(server.process.pid) as memory:
            idle_rss = memory.current()
            for name in names:
                query = QUERIES[name]
                for grid_name, grid in grids.items():
                    shifts = range(WARMUP_RUNS + args.runs)
                    for shift in shifts[:WARMUP_RUNS]:
                        timed(client, server.url, query, grid, shift)
                        timed(client, prometheus_url, query, grid, shift)
                    memory.reset()
                    ours = statistics.median(
                        timed(client, server.url, query, grid, shift)
                        for shift in shifts[WARMUP_RUNS:]
                    )
                    query_peak = memory.peak
                    theirs = statistics.median(
                        timed(client, prometheus_url, query, grid, shift)
                        for shift in shifts[WARMUP_RUNS:]
                    )
                    same = not differences(
                        matrix_of(query_range(client, server.url, query, *grid)),
                        matrix_of(query_range(client, prometheus_url, query, *grid)),
                    )
                    rows.append((f"{name} {grid_name}", ours, theirs, same, query_peak))
        print_table(rows, idle_rss, data.series_count)
    finally:
        client.close()
        if server is not None:
            stop_server(server)
        stop_process(prometheus)
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def print_table(
    rows: list[tuple[str, float, float, bool, int]], idle_rss: int, series: int
) -> None:
    width = max(len(r[0]) for r in rows) + 2
    print()
    print(f"{'query':<{width}}{'ours ms':>10}{'prom ms':>10}{'ratio':>8}  same  {'peak RSS':>9}")
    for name, ours, theirs, same, peak in rows:
        print(
            f"{name:<{width}}{ours * 1000:>10.1f}{theirs * 1000:>10.1f}{ours / theirs:>8.2f}"
            f"  {'yes' if same else 'NO ':<4}  {peak / 2**20:>6.0f} MiB"
        )
    ratios = [ours / theirs for _, ours, theirs, _, _ in rows]
    heaviest = max(rows, key=lambda r: r[1])
    print()
    print(f"series: {series}")
    print(f"median ratio (ours / Prometheus 2.42): {statistics.median(ratios):.2f}")
    print(f"slowest ratio: {max(ratios):.2f} ({rows[ratios.index(max(ratios))][0]})")
    print(f"results identical to Prometheus: {sum(r[3] for r in rows)}/{len(rows)}")
    print(
        f"our server RSS: {idle_rss / 2**20:.0f} MiB after import; peak "
        f"{max(r[4] for r in rows) / 2**20:.0f} MiB; during the heaviest query "
        f"({heaviest[0]}) {heaviest[4] / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main()
