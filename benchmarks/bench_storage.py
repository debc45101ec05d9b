"""Embedded store: append throughput, bytes per sample on disk, memory per series, restart time,
head reads.

    python benchmarks/bench_storage.py [--series 10000]

Prints medians. Goals (issue #2): >= 500k samples/s ingest on one core, <= 4 bytes/sample on disk,
<= 4 KiB resident per active series; restart in seconds with 10M samples stored.

Append, memory, reads and restart are measured for the compressed head (the default) and, as the
reference in the same run, the same head with compression off (storage.head_compression: false).
Memory is measured in a fresh process per head, so that one measurement's freed memory does not
hide in the next one's; reads alternate between the heads.
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks.data import ScrapeSimulator
from pulseboard.config import StorageConfig
from pulseboard.model.matchers import parse_selector
from pulseboard.storage.embedded import EmbeddedStorage
from pulseboard.storage.head import HeadWindow

STEP_MS = 15_000
WINDOW_MS = 7_200_000
_M_MMAP_THRESHOLD = -3  # mallopt parameter (glibc malloc.h)


def fix_mmap_threshold() -> bool:
    """Make glibc serve blocks of 128 KiB and more from mmap, always (no dynamic threshold).

    By default glibc raises its mmap threshold to the size of any mapped block freed, so the
    freed runs and temporaries of the head's merges are then carved from the heap, which keeps
    them. Not set by the server: a fixed threshold saves ~0.65 KiB per series but every request
    buffer then costs an mmap and fresh page faults (remote write fell from ~550k to ~400k
    samples/s). Measured here so the trade-off stays visible.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, 128 * 1024))


# The head as configured by storage.head_compression: true (the default) and false.
HEADS: dict[str, Callable[[int, int, int], HeadWindow]] = {
    "compressed": HeadWindow,
    "plain": functools.partial(HeadWindow, compress=False),
}


def config_for(head: str) -> StorageConfig:
    return StorageConfig(head_compression=head == "compressed")


def append_throughput(series: int, scrapes: int) -> dict[str, dict[str, float]]:
    """Per head, samples/s appending one scrape (one sample of each series): median, mean (which
    includes the appends that compress a segment) and the slowest append; and for new series.

    One store per head, fed the same batches in turn, so a busy machine slows all alike.
    """
    simulator = ScrapeSimulator(series)
    start = (int(time.time() * 1000) - scrapes * STEP_MS) // STEP_MS * STEP_MS
    batches = [simulator.batch(start + k * STEP_MS) for k in range(scrapes)]
    with tempfile.TemporaryDirectory() as directory:
        stores = {}
        for head in HEADS:
            stores[head] = EmbeddedStorage(Path(directory) / head, config_for(head))
        timings: dict[str, list[float]] = {head: [] for head in HEADS}
        for batch in batches:
            for head, storage in stores.items():
                began = time.perf_counter()
                storage.append(batch)
                timings[head].append(time.perf_counter() - began)
        for storage in stores.values():
            storage.close()
    return {
        head: {
            "first": series / took[0],
            "median": series / statistics.median(took[1:]),
            "mean": series * (len(took) - 1) / sum(took[1:]),
            "slowest_ms": max(took[1:]) * 1000,
        }
        for head, took in timings.items()
    }


def disk_and_memory(series: int, hours: int, head: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        gc.collect()
        process = psutil.Process()
        rss_before = process.memory_info().rss
        storage = EmbeddedStorage(Path(directory), config_for(head))
        simulator = ScrapeSimulator(series)
        points = hours * 3600_000 // STEP_MS
        start = (int(time.time() * 1000) - points * STEP_MS - 60_000) // WINDOW_MS * WINDOW_MS
        storage.append(simulator.batch(start))
        gc.collect()
        # One sample of each series in the head: what remains is the series index and its caches.
        rss_index = process.memory_info().rss
        for k in range(1, points):
            storage.append(simulator.batch(start + k * STEP_MS))
        gc.collect()
        rss_head = process.memory_info().rss
        head_samples = storage.stats().head_samples
        storage.flush_all()
        raw = sum(f.stat().st_size for f in (Path(directory) / "blocks" / "raw").rglob("*"))
        raw_data = sum(
            f.stat().st_size for f in (Path(directory) / "blocks" / "raw").rglob("data.parquet")
        )
        everything = sum(f.stat().st_size for f in Path(directory).rglob("*") if f.is_file())
        samples = series * points
        storage.close()
        return {
            "samples": samples,
            "raw_bytes_per_sample": raw / samples,
            "raw_data_bytes_per_sample": raw_data / samples,
            "all_bytes_per_sample": everything / samples,
            "rss_per_series_kib": (rss_head - rss_before) / series / 1024,
            "rss_index_per_series_kib": (rss_index - rss_before) / series / 1024,
            "rss_samples_per_series_kib": (rss_head - rss_index) / series / 1024,
            "head_samples_per_series": head_samples / series,
        }


def disk_and_memory_in_process(
    head: str, series: int, hours: int, fixed_threshold: bool = False
) -> dict[str, float]:
    """disk_and_memory with the given head, in a fresh interpreter."""
    completed = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--memory-of",
            head,
            "--series",
            str(series),
            "--hours",
            str(hours),
            *(["--fixed-mmap-threshold"] if fixed_threshold else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(completed.stdout)
    return figures


def filled_head(head: str, series: int, jitter: bool = False) -> tuple[HeadWindow, int]:
    """A head window holding 2 h of `series` series at 15 s, appended one scrape at a time.

    With `jitter`, each series is scraped at its own phase, each time up to 3 ms early or late
    (as real scrapes are); otherwise every series has the same timestamps.
    """
    window = HEADS[head](0, WINDOW_MS, 0)
    simulator = ScrapeSimulator(series)
    ids = np.arange(series, dtype=np.int64)
    rng = np.random.default_rng(3)
    phases = rng.integers(3, STEP_MS - 3, series) if jitter else np.zeros(series, np.int64)
    points = WINDOW_MS // STEP_MS
    for k in range(points):
        timestamps = k * STEP_MS + phases
        if jitter:
            timestamps += rng.integers(-3, 4, series)
        window.insert(window.keys(ids, timestamps.astype(np.int64)), simulator.step())
    return window, points


def head_reads(series: int, selected: int, repeats: int) -> dict[str, dict[str, float]]:
    """Median ms to select the last hour of `selected` series (contiguous, scattered ids).

    Both heads are filled first and read in turn, so a busy machine slows both alike.
    """
    rng = np.random.default_rng(7)
    id_sets = {
        "contiguous": np.arange(series // 3, series // 3 + selected, dtype=np.int64),
        "scattered": np.sort(rng.choice(series, selected, replace=False)).astype(np.int64),
    }
    windows = {head: filled_head(head, series)[0] for head in HEADS}
    start, end = WINDOW_MS - 3_600_000, WINDOW_MS - 1
    figures: dict[str, dict[str, float]] = {head: {} for head in HEADS}
    for name, ids in id_sets.items():
        timings: dict[str, list[float]] = {head: [] for head in HEADS}
        for _ in range(repeats):
            for head, window in windows.items():
                began = time.perf_counter()
                run = window.select(ids, start, end)
                timings[head].append((time.perf_counter() - began) * 1000)
                figures[head][f"{name}_samples"] = len(run)
        for head in HEADS:
            figures[head][name] = statistics.median(timings[head])
    everything: dict[str, list[float]] = {head: [] for head in HEADS}
    for _ in range(3):
        for head, window in windows.items():
            began = time.perf_counter()
            window.everything()
            everything[head].append((time.perf_counter() - began) * 1000)
    for head in HEADS:
        figures[head]["everything"] = statistics.median(everything[head])
    return figures


def restart_time(series: int, samples: int) -> dict[str, float]:
    """Write `samples` (all but the last window into blocks), then time fresh-process opens."""
    with tempfile.TemporaryDirectory() as directory:
        storage = EmbeddedStorage(Path(directory), StorageConfig())
        simulator = ScrapeSimulator(series)
        points = samples // series
        now = int(time.time() * 1000)
        start = now - points * STEP_MS
        for k in range(points):
            storage.append(simulator.batch(start + k * STEP_MS))
        storage.maintain(now)
        wal_samples = storage.stats().head_samples
        del storage  # no close(): as after kill -9
        root = str(Path(__file__).resolve().parent.parent)
        figures = {"samples": float(points * series), "wal_samples": float(wal_samples)}
        for head in HEADS:
            script = (
                "import time;"
                "from pathlib import Path;"
                "from pulseboard.storage.embedded import EmbeddedStorage;"
                "from benchmarks.bench_storage import config_for;"
                "t=time.perf_counter();"
                f"s=EmbeddedStorage(Path({directory!r}), config_for({head!r}));"
                "print(time.perf_counter()-t)"
            )
            timings = [
                float(
                    subprocess.run(
                        [sys.executable, "-c", script],
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=root,
                    ).stdout
                )
                for _ in range(3)
            ]
            figures[f"open_seconds_{head}"] = statistics.median(timings)
        return figures


def store_reads(series: int, repeats: int) -> dict[str, float]:
    """Median ms of a store select (head only): 1 h of the series of one job (every 7th id)."""
    figures: dict[str, float] = {}
    points = WINDOW_MS // STEP_MS
    start = (int(time.time() * 1000) - points * STEP_MS - 60_000) // WINDOW_MS * WINDOW_MS
    end = start + points * STEP_MS
    matchers = parse_selector('{job="service-3"}')
    with tempfile.TemporaryDirectory() as directory:
        stores = {}
        for head in HEADS:
            stores[head] = EmbeddedStorage(Path(directory) / head, config_for(head))
            simulator = ScrapeSimulator(series)
            for k in range(points):
                stores[head].append(simulator.batch(start + k * STEP_MS))
        timings: dict[str, list[float]] = {head: [] for head in HEADS}
        for _ in range(repeats):
            for head, storage in stores.items():
                began = time.perf_counter()
                found = storage.select(matchers, end - 3_600_000, end)
                timings[head].append((time.perf_counter() - began) * 1000)
        for head, storage in stores.items():
            figures[head] = statistics.median(timings[head])
            storage.close()
    figures["series"] = len(found)
    figures["samples"] = found.timestamps.shape[0]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--hours", type=int, default=2)
    parser.add_argument("--restart-samples", type=int, default=10_000_000)
    parser.add_argument("--read-series", type=int, default=1_000)
    parser.add_argument("--memory-of", choices=sorted(HEADS), help=argparse.SUPPRESS)
    parser.add_argument("--fixed-mmap-threshold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        if args.fixed_mmap_threshold and not fix_mmap_threshold():
            raise SystemExit("mallopt(M_MMAP_THRESHOLD) is not available here")
        print(json.dumps(disk_and_memory(args.series, args.hours, args.memory_of)))
        return

    appends = append_throughput(args.series, 121)
    for head, rates in appends.items():
        print(
            f"append ({head} head), {args.series} series x 1 sample per call (known series): "
            f"{rates['median']:,.0f} samples/s median of 120, {rates['mean']:,.0f} overall, "
            f"slowest append {rates['slowest_ms']:.0f} ms; {args.series} new series in one call: "
            f"{rates['first']:,.0f} samples/s"
        )
    for head in HEADS:
        figures = disk_and_memory_in_process(head, args.series, args.hours)
        if head == "compressed":
            print(
                f"{args.hours} h of {args.series} series at 15 s = {figures['samples']:,} samples"
            )
            print(
                f"  raw block on disk: {figures['raw_bytes_per_sample']:.2f} bytes/sample "
                f"(data file {figures['raw_data_bytes_per_sample']:.2f}); "
                f"with rollups, series log: {figures['all_bytes_per_sample']:.2f}"
            )
        print(
            f"  resident memory per active series ({head} head): "
            f"{figures['rss_per_series_kib']:.2f} KiB "
            f"({figures['head_samples_per_series']:.0f} samples each in the head) = "
            f"{figures['rss_index_per_series_kib']:.2f} KiB series index and store "
            f"(after the first scrape) + {figures['rss_samples_per_series_kib']:.2f} KiB samples"
        )
    for head in HEADS:
        try:
            figures = disk_and_memory_in_process(head, args.series, args.hours, True)
        except subprocess.CalledProcessError:
            break  # not glibc
        print(
            f"  same, glibc mmap threshold fixed at 128 KiB ({head} head): "
            f"{figures['rss_per_series_kib']:.2f} KiB = "
            f"{figures['rss_index_per_series_kib']:.2f} + "
            f"{figures['rss_samples_per_series_kib']:.2f} KiB samples"
        )
    for head, jitter in (("compressed", False), ("compressed", True)):
        window, points = filled_head(head, args.series, jitter)
        assert isinstance(window, HeadWindow)
        memory = window.memory()
        samples = args.series * points
        print(
            f"  {head} head's own count{', own scrape phases, +-3 ms jitter' if jitter else ''}: "
            f"{memory['frozen_bytes'] / samples:.2f} bytes/sample frozen over all samples + "
            f"{memory['loose_bytes'] / args.series / 1024:.2f} KiB/series uncompressed "
            f"(the segment being written)"
        )
        del window
    reads = head_reads(args.series, args.read_series, 15)
    for name in ("contiguous", "scattered"):
        print(
            f"head read, last 1 h of {args.read_series} {name} ids of {args.series} series "
            f"({reads['plain'][f'{name}_samples']:,.0f} samples): "
            + ", ".join(f"{head} {reads[head][name]:.1f} ms" for head in HEADS)
            + " (medians of 15)"
        )
    store = store_reads(args.series, 15)
    print(
        f'store select, 1 h of {{job="service-3"}} ({store["series"]:,.0f} series, every '
        f"7th id; {store['samples']:,.0f} samples): "
        + ", ".join(f"{head} {store[head]:.1f} ms" for head in HEADS)
        + " (medians of 15)"
    )
    print(
        f"head everything() (closing a window), {samples:,} samples: "
        + ", ".join(f"{head} {reads[head]['everything']:.0f} ms" for head in HEADS)
        + " (medians of 3)"
    )
    restart = restart_time(args.series, args.restart_samples)
    print(
        f"restart with {restart['samples']:,.0f} samples stored "
        f"({restart['wal_samples']:,.0f} in the WAL): "
        + ", ".join(f"{head} {restart[f'open_seconds_{head}']:.2f} s" for head in HEADS)
        + " (medians of 3)"
    )


if __name__ == "__main__":
    main()
