"""Embedded store: append throughput, bytes per sample on disk, memory per series, restart time.

    python benchmarks/bench_storage.py [--series 10000]

Prints medians. Goals (issue #2): >= 500k samples/s ingest on one core, <= 4 bytes/sample on disk,
<= 4 KiB resident per active series; restart in seconds with 10M samples stored.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.data import ScrapeSimulator
from pulseboard.config import StorageConfig
from pulseboard.storage.embedded import EmbeddedStorage

STEP_MS = 15_000


def append_throughput(series: int, scrapes: int) -> tuple[float, float]:
    """Median samples/s appending one scrape (one sample of each series); and for new series."""
    with tempfile.TemporaryDirectory() as directory:
        storage = EmbeddedStorage(Path(directory), StorageConfig())
        simulator = ScrapeSimulator(series)
        start = (int(time.time() * 1000) - scrapes * STEP_MS) // STEP_MS * STEP_MS
        batches = [simulator.batch(start + k * STEP_MS) for k in range(scrapes)]
        began = time.perf_counter()
        storage.append(batches[0])
        first = series / (time.perf_counter() - began)
        rates = []
        for batch in batches[1:]:
            began = time.perf_counter()
            storage.append(batch)
            rates.append(series / (time.perf_counter() - began))
        storage.close()
        return statistics.median(rates), first


def disk_and_memory(series: int, hours: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        gc.collect()
        process = psutil.Process()
        rss_before = process.memory_info().rss
        storage = EmbeddedStorage(Path(directory), StorageConfig())
        simulator = ScrapeSimulator(series)
        points = hours * 3600_000 // STEP_MS
        start = (int(time.time() * 1000) - points * STEP_MS - 60_000) // 7_200_000 * 7_200_000
        for k in range(points):
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
            "head_samples_per_series": head_samples / series,
        }


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
        script = (
            "import sys,time;t=time.perf_counter();"
            "from pathlib import Path;"
            "from pulseboard.config import StorageConfig;"
            "from pulseboard.storage.embedded import EmbeddedStorage;"
            "t=time.perf_counter();"
            f"s=EmbeddedStorage(Path({directory!r}), StorageConfig());"
            "print(time.perf_counter()-t)"
        )
        root = str(Path(__file__).resolve().parent.parent)
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
        return {
            "samples": points * series,
            "wal_samples": wal_samples,
            "open_seconds": statistics.median(timings),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--hours", type=int, default=2)
    parser.add_argument("--restart-samples", type=int, default=10_000_000)
    args = parser.parse_args()

    steady, first = append_throughput(args.series, 60)
    print(
        f"append, {args.series} series x 1 sample per call (known series): "
        f"{steady:,.0f} samples/s (median of 59)"
    )
    print(f"append, {args.series} new series in one call: {first:,.0f} samples/s")
    figures = disk_and_memory(args.series, args.hours)
    print(f"{args.hours} h of {args.series} series at 15 s = {figures['samples']:,} samples")
    print(
        f"  raw block on disk: {figures['raw_bytes_per_sample']:.2f} bytes/sample "
        f"(data file {figures['raw_data_bytes_per_sample']:.2f}); "
        f"with rollups, series log: {figures['all_bytes_per_sample']:.2f}"
    )
    print(
        f"  resident memory per active series: {figures['rss_per_series_kib']:.2f} KiB "
        f"({figures['head_samples_per_series']:.0f} samples each in the head)"
    )
    restart = restart_time(args.series, args.restart_samples)
    print(
        f"restart with {restart['samples']:,} samples stored "
        f"({restart['wal_samples']:,} in the WAL): {restart['open_seconds']:.2f} s (median of 3)"
    )


if __name__ == "__main__":
    main()
