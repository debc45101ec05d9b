"""The scrape manager: pulls /metrics from static targets on a schedule, as Prometheus does.

One asyncio task per target. A scrape is fetched on the event loop; parsing, label handling,
staleness and the append run in one worker-thread call, so that the series a target is known to
expose (the basis of staleness) always match what the store holds, even when a task is cancelled.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlencode

import httpx
import numpy as np
from anyio import to_thread

from pulseboard import __version__
from pulseboard.config import ScrapeConfig
from pulseboard.ingest.exposition import ExpositionParseError, is_openmetrics, parse_exposition
from pulseboard.ingest.pipeline import Ingester
from pulseboard.model.labels import METRIC_NAME, InvalidSeriesError, render
from pulseboard.model.samples import (
    STALE_NAN_BITS,
    Float64Array,
    Int32Array,
    Int64Array,
    MetricMetadata,
    RawLabels,
    SampleBatch,
)
from pulseboard.storage.protocol import UNRESTRICTED, AppendResult, LimitExceededError

__all__ = [
    "ACCEPT_HEADER",
    "REPORT_METRICS",
    "ScrapeManager",
    "TargetState",
    "format_duration",
    "sample_labels",
    "scrape_offset",
]

log = logging.getLogger(__name__)

# What Prometheus asks for: OpenMetrics preferred, the classic text format accepted.
ACCEPT_HEADER = (
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
)
SOURCE = "scrape"
EXPORTED_PREFIX = "exported_"

# The series Prometheus writes for every scrape, with the metadata it gives them.
REPORT_METRICS: dict[str, MetricMetadata] = {
    "up": MetricMetadata(
        "gauge", "Health of the scrape target. 1 means the target is healthy, 0 otherwise."
    ),
    "scrape_duration_seconds": MetricMetadata(
        "gauge", "Duration of the last scrape in seconds.", "seconds"
    ),
    "scrape_samples_scraped": MetricMetadata("gauge", "Number of samples last scraped."),
    "scrape_samples_post_metric_relabeling": MetricMetadata(
        "gauge", "Number of samples remaining after metric relabeling was applied."
    ),
    "scrape_series_added": MetricMetadata(
        "gauge", "The approximate number of new series in this scrape."
    ),
}

Health = Literal["up", "down", "unknown"]


@dataclass(frozen=True)
class TargetState:
    """What /api/v1/targets shows of one target."""

    job: str  # the scrape pool (job_name of the scrape config)
    url: str
    labels: dict[str, str]
    discovered_labels: dict[str, str]
    health: Health
    last_error: str
    last_scrape: datetime | None  # start of the last scrape, UTC; None before the first one
    last_scrape_duration: float  # seconds
    scrape_interval: timedelta
    scrape_timeout: timedelta


@dataclass(frozen=True)
class _Target:
    """A target resolved from its scrape config; equal targets need no restart on reload."""

    pool: str
    url: str
    labels: RawLabels  # sorted target labels: job, instance and static labels
    discovered_labels: RawLabels
    interval: timedelta
    timeout: timedelta
    honor_labels: bool
    honor_timestamps: bool

    @property
    def key(self) -> tuple[str, str, RawLabels]:
        # Prometheus tells targets apart by labels and URL; settings may change under one key.
        return (self.pool, self.url, self.labels)


def format_duration(value: timedelta) -> str:
    """Prometheus' duration text (1m30s, 200ms), used for __scrape_interval__ and the API."""
    ms = round(value.total_seconds() * 1000)
    if ms == 0:
        return "0s"
    text = ""
    for unit, size, exact in (
        ("y", 365 * 86_400_000, True),
        ("w", 7 * 86_400_000, True),
        ("d", 86_400_000, False),
        ("h", 3_600_000, False),
        ("m", 60_000, False),
        ("s", 1000, False),
        ("ms", 1, False),
    ):
        if exact and ms % size:
            continue
        count, ms = divmod(ms, size)
        if count:
            text += f"{count}{unit}"
    return text


def _resolve_targets(configs: Sequence[ScrapeConfig]) -> list[_Target]:
    """Targets of every static config, deduplicated; an unusable target is logged and skipped."""
    targets: dict[tuple[str, str, RawLabels], _Target] = {}
    for config in configs:
        timeout = config.scrape_timeout  # the configuration keeps it within the interval
        for static in config.static_configs:
            for address in static.targets:
                discovered: dict[str, str] = {
                    "__address__": address,
                    "__metrics_path__": config.metrics_path,
                    "__scheme__": config.scheme,
                    "__scrape_interval__": format_duration(config.scrape_interval),
                    "__scrape_timeout__": format_duration(timeout),
                    "job": config.job_name,
                }
                for name, values in config.params.items():
                    if values:
                        discovered[f"__param_{name}"] = values[0]
                discovered.update(static.labels)
                target = _make_target(config, discovered, timeout)
                if target is not None:
                    targets.setdefault(target.key, target)
    return list(targets.values())


def _make_target(
    config: ScrapeConfig, discovered: dict[str, str], timeout: timedelta
) -> _Target | None:
    address = discovered["__address__"]
    if not address or "/" in address or "?" in address or "#" in address:
        log.error(
            "scrape config %r: target %r is not a host:port address; skipped",
            config.job_name,
            address,
        )
        return None
    labels = {k: v for k, v in discovered.items() if not k.startswith("__") and v != ""}
    labels.setdefault("instance", address)
    params = {k: list(v) for k, v in config.params.items()}
    # A __param_<name> label replaces the first value of that parameter, as in Prometheus.
    for name, value in discovered.items():
        if name.startswith("__param_"):
            param = name.removeprefix("__param_")
            params[param] = [value, *params.get(param, [])[1:]]
    url = f"{discovered['__scheme__']}://{address}{discovered['__metrics_path__']}"
    if params:
        url += "?" + urlencode(params, doseq=True)
    return _Target(
        pool=config.job_name,
        url=url,
        labels=tuple(sorted(labels.items())),
        discovered_labels=tuple(sorted(discovered.items())),
        interval=config.scrape_interval,
        timeout=timeout,
        honor_labels=config.honor_labels,
        honor_timestamps=config.honor_timestamps,
    )


def scrape_offset(target_key: str, interval_ns: int, seed: int = 0) -> int:
    """Where in each interval a target is scraped (ns), fixed for the target.

    As Prometheus does, scrapes of many targets spread evenly over the interval, and a target
    keeps its phase across restarts (so its samples stay evenly spaced).
    """
    digest = hashlib.blake2b(target_key.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") ^ seed) % interval_ns


def _first_delay_ns(offset_ns: int, interval_ns: int, now_ns: int) -> int:
    """Time until the next wall-clock moment that is `offset_ns` into an interval."""
    delay = interval_ns - now_ns % interval_ns + offset_ns
    return delay - interval_ns if delay > interval_ns else delay


def sample_labels(scraped: RawLabels, target: RawLabels, honor_labels: bool) -> RawLabels:
    """The stored label set of a scraped series: target labels merged in as Prometheus does.

    Without honor_labels the target label wins and a clashing scraped label is kept as
    exported_<name> (exported_exported_<name> if that is taken too); with it the scraped label wins.
    """
    labels: dict[str, str] = {}
    for name, value in scraped:
        if name in labels:
            raise InvalidSeriesError(f"duplicate label name {name!r} in series {render(scraped)}")
        labels[name] = value
    if honor_labels:
        for name, value in target:
            if not labels.get(name):
                labels[name] = value
    else:
        clashes = [(name, labels[name]) for name, _ in target if labels.get(name)]
        labels.update(target)
        # Shorter names first, as Prometheus does, so who gets which exported_ name is fixed.
        for name, value in sorted(clashes, key=lambda pair: len(pair[0])):
            exported = EXPORTED_PREFIX + name
            while labels.get(exported):
                exported = EXPORTED_PREFIX + exported
            labels[exported] = value
    return tuple(sorted((name, value) for name, value in labels.items() if value != ""))


@dataclass
class _Outcome:
    error: str  # "" when the scrape succeeded
    duration: float
    result: AppendResult | None = None
    logged: bool = False


@dataclass
class _Fetched:
    body: bytes = b""
    content_type: str = ""
    error: str = ""


class _ScrapeError(Exception):
    """A scrape that failed; the message is what /api/v1/targets shows as lastError."""


@dataclass
class _SeriesState:
    """What staleness and scrape_series_added need to know of the previous scrapes."""

    # Series of the last successful scrape that were sampled at scrape time; series with their own
    # timestamps are not marked stale, as in Prometheus.
    tracked: set[RawLabels] = field(default_factory=set)
    # Scraped label set -> stored label set, for the series of the last non-empty scrape.
    stored_labels: dict[RawLabels, RawLabels] = field(default_factory=dict)
    last_timestamp_ms: int | None = None


class _ScrapeLoop:
    def __init__(
        self,
        target: _Target,
        client: httpx.AsyncClient,
        ingester: Ingester,
        *,
        body_size_limit: int,
        offset_seed: int,
        series: _SeriesState | None = None,
    ) -> None:
        self.target = target
        self._client = client
        self._ingester = ingester
        self._body_size_limit = body_size_limit
        self._offset_seed = offset_seed
        self._series = series if series is not None else _SeriesState()
        self.health: Health = "unknown"
        self.last_error = ""
        self.last_scrape: datetime | None = None
        self.last_scrape_duration = 0.0
        self._task: asyncio.Task[None] | None = None
        self._in_flight: asyncio.Future[_Outcome] | None = None
        self._headers = {
            "Accept": ACCEPT_HEADER,
            "Accept-Encoding": "gzip",
            "User-Agent": f"Pulseboard/{__version__}",
            "X-Prometheus-Scrape-Timeout-Seconds": f"{target.timeout.total_seconds():g}",
        }
        self._report_labels = {
            name: tuple(sorted(((METRIC_NAME, name), *target.labels))) for name in REPORT_METRICS
        }

    # ------------------------------------------------------------------------------- lifecycle

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"scrape {self.target.url}")

    async def stop(self) -> _SeriesState:
        """Stop scraping; returns once nothing of this target is being written any more."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._in_flight is not None:
            # A worker thread cannot be interrupted: let its append finish before returning.
            await asyncio.gather(self._in_flight, return_exceptions=True)
            self._in_flight = None
        return self._series

    def state(self) -> TargetState:
        return TargetState(
            job=self.target.pool,
            url=self.target.url,
            labels=dict(self.target.labels),
            discovered_labels=dict(self.target.discovered_labels),
            health=self.health,
            last_error=self.last_error,
            last_scrape=self.last_scrape,
            last_scrape_duration=self.last_scrape_duration,
            scrape_interval=self.target.interval,
            scrape_timeout=self.target.timeout,
        )

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        interval_ns = max(1, round(self.target.interval.total_seconds() * 1e9))
        interval = interval_ns / 1e9
        offset = scrape_offset(
            f"{self.target.url}\x00{self.target.labels}", interval_ns, self._offset_seed
        )
        next_at = loop.time() + _first_delay_ns(offset, interval_ns, time.time_ns()) / 1e9
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            try:
                await self._scrape()
            except Exception:  # a bug or a failing store must not end this target's scrapes
                log.exception("scrape of %s failed unexpectedly", self.target.url)
            next_at += interval
            behind = loop.time() - next_at
            if behind > 0:
                # Slots missed while a scrape or the store was slow are skipped, not caught up on.
                next_at += math.ceil(behind / interval) * interval

    # ------------------------------------------------------------------------------- one scrape

    async def _scrape(self) -> None:
        start_ns = time.time_ns()
        started = time.perf_counter()
        fetched = await self._fetch()
        self._in_flight = asyncio.ensure_future(
            to_thread.run_sync(self._ingest, fetched, start_ns // 1_000_000, started)
        )
        try:
            # Shielded: cancelling this task must not abandon a half-recorded scrape (see stop()).
            outcome = await asyncio.shield(self._in_flight)
        except Exception as exc:
            log.exception("scrape of %s: recording the scrape failed", self.target.url)
            error = f"recording the scrape failed: {str(exc) or type(exc).__name__}"
            outcome = _Outcome(error, time.perf_counter() - started, logged=True)
        self._in_flight = None
        self._record(outcome, start_ns)

    async def _fetch(self) -> _Fetched:
        timeout = self.target.timeout.total_seconds()
        url = self.target.url
        try:
            async with asyncio.timeout(timeout):
                return await self._get(timeout)
        except _ScrapeError as exc:
            return _Fetched(error=str(exc))
        except (TimeoutError, httpx.TimeoutException):
            return _Fetched(
                error=f'Get "{url}": timed out after {timeout:g}s (scrape_timeout)',
            )
        except httpx.HTTPError as exc:
            return _Fetched(error=f'Get "{url}": {str(exc) or type(exc).__name__}')
        except OSError as exc:
            return _Fetched(error=f'Get "{url}": {exc}')

    async def _get(self, timeout: float) -> _Fetched:
        async with self._client.stream(
            "GET", self.target.url, headers=self._headers, timeout=timeout
        ) as response:
            if response.status_code != 200:
                # Prometheus accepts 200 only; any other status is a failed scrape.
                raise _ScrapeError(
                    f"server returned HTTP status {response.status_code} "
                    f"{response.reason_phrase}".rstrip()
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if self._body_size_limit and size > self._body_size_limit:
                    raise _ScrapeError(
                        f"body size limit exceeded (more than {self._body_size_limit} bytes)"
                    )
                chunks.append(chunk)
            return _Fetched(b"".join(chunks), response.headers.get("content-type", ""))

    def _record(self, outcome: _Outcome, start_ns: int) -> None:
        url = self.target.url
        was = self.health
        if outcome.error and not outcome.logged:
            if was != "down" or outcome.error != self.last_error:
                log.warning("scrape of %s failed: %s", url, outcome.error)
            else:
                log.debug("scrape of %s failed: %s", url, outcome.error)
        elif was == "down":
            log.info("scrape of %s succeeded again", url)
        if outcome.result is not None and outcome.result.rejected:
            log.warning(
                "scrape of %s: %d samples refused: %s",
                url,
                outcome.result.rejected_count,
                outcome.result.message(),
            )
        self.health = "down" if outcome.error else "up"
        self.last_error = outcome.error
        self.last_scrape = datetime.fromtimestamp(start_ns / 1e9, UTC)
        self.last_scrape_duration = outcome.duration

    # ------------------------------------------------------------------------------- worker thread

    def _ingest(self, fetched: _Fetched, timestamp_ms: int, started: float) -> _Outcome:
        error = fetched.error
        if not error:
            try:
                return self._ingest_scrape(fetched, timestamp_ms, started)
            except ExpositionParseError as exc:
                error = f"invalid exposition: {exc}"
            except (InvalidSeriesError, LimitExceededError) as exc:
                error = str(exc)
        duration = time.perf_counter() - started
        stale = self._series.tracked
        batch = self._batch([], _empty_batch(), stale, timestamp_ms, (0.0, duration, 0, 0, 0))
        result = self._ingester.store(batch, SOURCE, UNRESTRICTED)
        self._series.tracked = set()
        self._series.last_timestamp_ms = timestamp_ms
        return _Outcome(error, duration, result)

    def _ingest_scrape(self, fetched: _Fetched, timestamp_ms: int, started: float) -> _Outcome:
        scraped = parse_exposition(
            fetched.body,
            default_timestamp_ms=timestamp_ms,
            openmetrics=is_openmetrics(fetched.content_type),
        )
        previous = self._series.stored_labels
        stored_labels: dict[RawLabels, RawLabels] = {}
        series: list[RawLabels] = []
        added = 0
        for raw in scraped.series:
            labels = previous.get(raw)
            if labels is None:
                labels = sample_labels(raw, self.target.labels, self.target.honor_labels)
                added += 1
            stored_labels[raw] = labels
            series.append(labels)
        if not self.target.honor_timestamps:
            scraped.timestamps = np.full_like(scraped.timestamps, timestamp_ms)
        # An exposed timestamp equal to the scrape's own is indistinguishable, and harmless.
        at_scrape_time = np.unique(scraped.series_index[scraped.timestamps == timestamp_ms])
        tracked = {series[i] for i in at_scrape_time.tolist()}
        stale = self._series.tracked - tracked
        count = len(scraped)
        duration = time.perf_counter() - started
        batch = self._batch(
            series, scraped, stale, timestamp_ms, (1.0, duration, count, count, added)
        )
        result = self._ingester.store(batch, SOURCE, UNRESTRICTED)
        self._series.tracked = tracked
        self._series.last_timestamp_ms = timestamp_ms
        if fetched.body:
            # As Prometheus' scrape cache: an empty body is likely a broken target, so what it
            # exposed before is still remembered for scrape_series_added.
            self._series.stored_labels = stored_labels
        else:
            previous.update(stored_labels)
        return _Outcome("", duration, result)

    def _batch(
        self,
        series: list[RawLabels],
        scraped: SampleBatch,
        stale: Iterable[RawLabels],
        timestamp_ms: int,
        report: tuple[float, float, int, int, int] | None,
    ) -> SampleBatch:
        """Scraped samples, stale markers and the report series, as one atomic append."""
        extra = list(stale)
        extra_values = [np.full(len(extra), STALE_NAN_BITS, np.uint64).view(np.float64)]
        metadata = dict(scraped.metadata)
        if report is not None:
            extra.extend(self._report_labels.values())
            extra_values.append(np.asarray(report, dtype=np.float64))
            metadata.update(REPORT_METRICS)
        extra_index: Int32Array = np.arange(len(series), len(series) + len(extra), dtype=np.int32)
        extra_timestamps: Int64Array = np.full(len(extra), timestamp_ms, dtype=np.int64)
        values: Float64Array = np.concatenate([scraped.values, *extra_values])
        return SampleBatch(
            series=[*series, *extra],
            series_index=np.concatenate([scraped.series_index, extra_index]),
            timestamps=np.concatenate([scraped.timestamps, extra_timestamps]),
            values=values,
            metadata=metadata,
        )

    def write_end_of_run_staleness(self) -> AppendResult | None:
        """Mark every series of this target stale (worker thread), when the target is removed."""
        last = self._series.last_timestamp_ms
        if last is None:
            return None  # never scraped: nothing to end
        timestamp_ms = max(time.time_ns() // 1_000_000, last + 1)
        tracked = self._series.tracked | set(self._report_labels.values())
        batch = self._batch([], _empty_batch(), tracked, timestamp_ms, None)
        result = self._ingester.store(batch, SOURCE, UNRESTRICTED)
        self._series.tracked = set()
        return result


def _empty_batch() -> SampleBatch:
    return SampleBatch(
        series=[],
        series_index=np.empty(0, np.int32),
        timestamps=np.empty(0, np.int64),
        values=np.empty(0, np.float64),
    )


class ScrapeManager:
    """Scrapes every static target of the scrape configs; a Service of the server."""

    def __init__(
        self,
        configs: Sequence[ScrapeConfig],
        ingester: Ingester,
        *,
        body_size_limit: int = 0,
        offset_seed: int = 0,
    ) -> None:
        self._configs = list(configs)
        self._ingester = ingester
        self._body_size_limit = body_size_limit  # bytes of uncompressed body; 0 is no limit
        self._offset_seed = offset_seed
        self._loops: dict[tuple[str, str, RawLabels], _ScrapeLoop] = {}
        self._client: httpx.AsyncClient | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        async with self._lock:
            if self._client is not None:
                return
            self._client = httpx.AsyncClient(
                follow_redirects=True,
                # Proxy variables are for the user's shell, not for reaching scrape targets.
                trust_env=False,
                # A slow target must never hold a connection another target is waiting for.
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=None),
            )
            for target in _resolve_targets(self._configs):
                self._start_loop(target, None)
            log.info("scraping %d targets", len(self._loops))

    async def stop(self) -> None:
        """Stop every scrape without stale markers: a restarted server carries on the series."""
        async with self._lock:
            loops = list(self._loops.values())
            self._loops.clear()
            await asyncio.gather(*(loop.stop() for loop in loops))
            if self._client is not None:
                await self._client.aclose()
                self._client = None

    async def apply(self, configs: Sequence[ScrapeConfig]) -> None:
        """Switch to new scrape configs: removed targets get stale markers, new ones start.

        A target whose labels and URL stay keeps scraping; if its settings changed it restarts,
        still knowing its series, so staleness carries over.
        """
        async with self._lock:
            self._configs = list(configs)
            if self._client is None:
                return
            wanted = {target.key: target for target in _resolve_targets(self._configs)}
            removed = [loop for key, loop in self._loops.items() if key not in wanted]
            changed = [
                loop
                for key, loop in self._loops.items()
                if key in wanted and wanted[key] != loop.target
            ]
            for loop in removed + changed:
                del self._loops[loop.target.key]
            states = await asyncio.gather(*(loop.stop() for loop in removed + changed))
            for loop in removed:
                try:
                    await to_thread.run_sync(loop.write_end_of_run_staleness)
                except Exception:
                    log.exception("writing stale markers for removed target %s", loop.target.url)
            for loop, series in zip(changed, states[len(removed) :], strict=True):
                target = wanted[loop.target.key]
                if target.honor_labels != loop.target.honor_labels:
                    series = replace(series, stored_labels={})
                self._start_loop(target, series)
            for key, target in wanted.items():
                if key not in self._loops:
                    self._start_loop(target, None)
            log.info(
                "scrape configs applied: %d targets (%d removed, %d restarted)",
                len(self._loops),
                len(removed),
                len(changed),
            )

    def targets(self) -> list[TargetState]:
        """Current state of every target, grouped by scrape pool (as Prometheus lists them)."""
        states = [loop.state() for loop in self._loops.values()]
        return sorted(states, key=lambda state: state.job)

    def _start_loop(self, target: _Target, series: _SeriesState | None) -> None:
        assert self._client is not None
        loop = _ScrapeLoop(
            target,
            self._client,
            self._ingester,
            body_size_limit=self._body_size_limit,
            offset_seed=self._offset_seed,
            series=series,
        )
        self._loops[target.key] = loop
        loop.start()
