"""The embedded storage engine: series index + write-ahead-logged head + closed blocks + rollups.

Layout of the data directory:
    series.log            created series (index/SeriesLog)
    metadata.json         metric metadata (type, help, unit)
    wal/<window>-<gen>.wal  the write-ahead log of each head window
    blocks/raw|5m|1h/<window>-<gen>/   closed blocks (blocks.py)
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pulseboard.config import StorageConfig
from pulseboard.model.labels import PROJECT_LABEL, Labels, get, normalize, render, with_label
from pulseboard.model.matchers import Matcher
from pulseboard.model.samples import (
    Float64Array,
    Int64Array,
    MetricMetadata,
    RawLabels,
    SampleBatch,
)
from pulseboard.storage.block_cache import DecodedGroupCache
from pulseboard.storage.blocks import (
    Block,
    BlockData,
    BlockMeta,
    empty_block_data,
    merge_windows,
    sort_block_data,
    write_block,
)
from pulseboard.storage.files import tree_size
from pulseboard.storage.head import HeadWindow, Run
from pulseboard.storage.index import SeriesIndex, SeriesLog
from pulseboard.storage.protocol import (
    ROLLUP_COLUMNS,
    UNRESTRICTED,
    AppendResult,
    Rejection,
    RollupSet,
    Scope,
    SeriesSet,
    StorageStats,
)
from pulseboard.storage.rollups import RESOLUTIONS, compute_rollup
from pulseboard.storage.wal import WindowWal, parse_wal_name, replay, wal_path

log = logging.getLogger(__name__)

_RAW = "raw"
_VALUE_COLUMNS = ("value",)
# select_batches guesses this many samples per series for its first group (6 h at 15 s is 1,440),
# then sizes the next groups by the samples it saw.
_GUESSED_SAMPLES_PER_SERIES = 1_000


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class _OpenWindow:
    head: HeadWindow
    wal: WindowWal
    # Logs of earlier generations of this window found at start-up (the server stopped while
    # closing one): their samples are in this head, and the files go when its block is written.
    replayed_wals: list[Path] = field(default_factory=list)


class EmbeddedStorage:
    def __init__(
        self, data_dir: Path, config: StorageConfig, max_series_per_project: int = 1_000_000
    ) -> None:
        self._dir = data_dir
        self._config = config
        self._max_series = max_series_per_project
        self._block_ms = int(config.block_duration.total_seconds() * 1000)
        if self._block_ms % RESOLUTIONS["1h"]:
            raise ValueError("storage.block_duration must be a whole number of hours")
        self._write_lock = threading.RLock()
        self._maintenance_lock = threading.Lock()
        self._index = SeriesIndex()
        # Raw label pairs as a sender spelled them -> id, per scope: each series is validated once.
        self._known: dict[tuple[str | None, RawLabels], int] = {}
        self._open: dict[int, _OpenWindow] = {}  # window start -> window taking writes
        self._closing: list[HeadWindow] = []  # windows being written to blocks, still readable
        self._blocks: dict[str, list[Block]] = {_RAW: [], **{r: [] for r in RESOLUTIONS}}
        self._metadata: dict[str, MetricMetadata] = {}
        self._block_cache = DecodedGroupCache(config.block_cache_bytes)
        for folder in ("wal", *(f"blocks/{r}" for r in self._blocks)):
            (data_dir / folder).mkdir(parents=True, exist_ok=True)
        self._series_log = SeriesLog(data_dir / "series.log", config.wal_fsync)
        self._open_existing()

    # ----------------------------------------------------------------------------- start-up

    def _open_existing(self) -> None:
        started = time.monotonic()
        self._series_log.load(self._index)
        self._load_metadata()
        for resolution, blocks in self._blocks.items():
            blocks.extend(self._load_blocks(self._dir / "blocks" / resolution))
        flushed_wals = {w for b in self._blocks[_RAW] for w in b.meta.source_wals}
        logs: dict[int, list[tuple[int, Path]]] = {}
        for path in sorted((self._dir / "wal").glob("*.wal")):
            parsed = parse_wal_name(path)
            if parsed is None:
                continue
            if path.name in flushed_wals:
                path.unlink()  # its block was written just before a crash
                continue
            logs.setdefault(parsed[0], []).append((parsed[1], path))
        replayed = sum(self._replay_window(start, sorted(paths)) for start, paths in logs.items())
        for block in self._blocks[_RAW]:
            self._index.note_times(block.ids, block.min_time)
            self._index.note_times(block.ids, block.max_time)
        log.info(
            "storage open: %d series, %d blocks, %d samples replayed from the WAL in %.2fs",
            len(self._index),
            sum(len(b) for b in self._blocks.values()),
            replayed,
            time.monotonic() - started,
        )

    def _load_blocks(self, folder: Path) -> list[Block]:
        for leftover in folder.glob(".tmp-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        blocks = [
            Block(path, self._block_cache)
            for path in sorted(folder.iterdir())
            if not path.name.startswith(".")
        ]
        superseded = {name for block in blocks for name in block.meta.replaces}
        for block in blocks:
            if block.name in superseded:
                block.delete()
        return [b for b in blocks if b.name not in superseded]

    def _replay_window(self, start: int, logs: list[tuple[int, Path]]) -> int:
        """Rebuild one window's head from its logs (oldest generation first)."""
        newest_generation, newest = logs[-1]
        head = self._new_head(start, newest_generation)
        records = [record for _, path in logs for record in replay(path)]
        if records:
            ids = np.concatenate([r[0] for r in records])
            timestamps = np.concatenate([r[1] for r in records])
            values = np.concatenate([r[2] for r in records])
            keys = head.keys(ids, timestamps)
            order = np.argsort(keys, kind="stable")
            keys, values = keys[order], values[order]
            # Generations of one window may hold the same sample; the oldest copy counts.
            first = np.ones(keys.shape[0], dtype=bool)
            first[1:] = keys[1:] != keys[:-1]
            head.insert(keys[first], values[first])
            self._index.note_times(ids, timestamps)
        self._open[start] = _OpenWindow(
            head,
            WindowWal(newest, self._config.wal_fsync),
            [path for _, path in logs[:-1]],
        )
        return head.samples

    def _new_head(self, start: int, generation: int) -> HeadWindow:
        return HeadWindow(
            start,
            start + self._block_ms,
            generation,
            compress=self._config.head_compression,
            cache=self._block_cache,
        )

    def _load_metadata(self) -> None:
        path = self._dir / "metadata.json"
        if path.exists():
            raw = json.loads(path.read_text())
            self._metadata = {name: MetricMetadata(**entry) for name, entry in raw.items()}

    # ----------------------------------------------------------------------------- writes

    def append(self, batch: SampleBatch, scope: Scope = UNRESTRICTED) -> AppendResult:
        result = AppendResult()
        if len(batch) == 0:
            self._update_metadata(batch.metadata)
            return result
        with self._write_lock:
            # Everything that can refuse the whole request runs before anything is written.
            series_ids, new_series = self._resolve_series(batch.series, scope)
            ids = series_ids[batch.series_index]
            timestamps = batch.timestamps.astype(np.int64, copy=False)
            values = batch.values.astype(np.float64, copy=False)
            keep = self._reject_series_over_limit(ids, new_series, batch, result)
            keep = self._reject_out_of_bounds(ids, timestamps, keep, new_series, result)
            ids, timestamps, values = ids[keep], timestamps[keep], values[keep]
            ids = self._create_series(new_series, ids)
            windows = timestamps - timestamps % self._block_ms
            for start in np.unique(windows).tolist():
                in_window = windows == start
                self._append_window(
                    start, ids[in_window], timestamps[in_window], values[in_window], result
                )
        self._update_metadata(batch.metadata)
        return result

    def _resolve_series(
        self, series: list[RawLabels], scope: Scope
    ) -> tuple[Int64Array, dict[int, Labels]]:
        """Ids for the batch's series; unknown ones get provisional ids (not yet created)."""
        ids = np.empty(len(series), dtype=np.int64)
        new: dict[int, Labels] = {}
        pending: dict[Labels, int] = {}
        next_id = len(self._index)
        if len(self._known) > 4 * len(self._index) + 100_000:
            self._known.clear()  # spellings of series that churned away
        for position, raw in enumerate(series):
            known = self._known.get((scope.project, raw))
            if known is None:
                labels = normalize(raw)  # raises InvalidSeriesError: nothing is stored
                if scope.project is not None:
                    labels = with_label(labels, PROJECT_LABEL, scope.project)
                known = self._index.get(labels)
                if known is not None:
                    self._known[(scope.project, raw)] = known
                else:
                    known = pending.get(labels)
                    if known is None:
                        known = next_id
                        next_id += 1
                        pending[labels] = known
                        new[known] = labels
            ids[position] = known
        return ids, new

    def _reject_series_over_limit(
        self,
        ids: Int64Array,
        new_series: dict[int, Labels],
        batch: SampleBatch,
        result: AppendResult,
    ) -> np.ndarray:
        keep = np.ones(ids.shape[0], dtype=bool)
        added: dict[str, int] = {}
        refused = []
        for series_id, labels in sorted(new_series.items()):
            project = get(labels, PROJECT_LABEL)
            count = self._index.series_in_project(project) + added.get(project, 0)
            if count >= self._max_series:
                refused.append(series_id)
            else:
                added[project] = added.get(project, 0) + 1
        if refused:
            refused_ids = np.asarray(refused, dtype=np.int64)
            keep = ~np.isin(ids, refused_ids)
            first = int(np.flatnonzero(~keep)[0])
            project = get(new_series[refused[0]], PROJECT_LABEL) or "(no project)"
            result.rejected.append(
                Rejection(
                    f"series limit of {self._max_series} per project exceeded for project "
                    f"{project} (limits.max_series_per_project)",
                    int((~keep).sum()),
                    render(new_series[refused[0]]),
                    int(batch.timestamps[first]),
                )
            )
            for series_id in refused:
                del new_series[series_id]
        return keep

    def _reject_out_of_bounds(
        self,
        ids: Int64Array,
        timestamps: Int64Array,
        keep: np.ndarray,
        new_series: dict[int, Labels],
        result: AppendResult,
    ) -> np.ndarray:
        now = _now_ms()
        oldest = now - int(self._config.retention.raw.total_seconds() * 1000)
        newest = now + int(self._config.future_tolerance.total_seconds() * 1000)
        too_old = keep & (timestamps < max(oldest, 0))
        too_new = keep & (timestamps > newest)
        for mask, reason in (
            (too_old, "out of bounds: sample older than the raw retention"),
            (too_new, "out of bounds: sample too far in the future"),
        ):
            if mask.any():
                first = int(np.flatnonzero(mask)[0])
                result.rejected.append(
                    Rejection(
                        reason,
                        int(mask.sum()),
                        render(self._labels_of(int(ids[first]), new_series)),
                        int(timestamps[first]),
                    )
                )
        return keep & ~(too_old | too_new)

    def _labels_of(self, series_id: int, new_series: dict[int, Labels]) -> Labels:
        if series_id < len(self._index):
            return self._index.labels[series_id]
        return new_series[series_id]

    def _create_series(self, new_series: dict[int, Labels], ids: Int64Array) -> Int64Array:
        """Create the new series that kept a sample; returns `ids` with their final ids.

        Provisional ids of refused series leave gaps, so the survivors are renumbered to keep
        ids dense and in creation order.
        """
        if not new_series:
            return ids
        first_new = len(self._index)
        used = set(np.unique(ids[ids >= first_new]).tolist())
        final = np.arange(max(new_series) + 1, dtype=np.int64)
        entries = []
        for provisional_id in sorted(used):
            labels = new_series[provisional_id]
            final[provisional_id] = self._index.add(labels)
            entries.append((int(final[provisional_id]), labels))
        self._series_log.append(entries)
        return final[ids]

    def _append_window(
        self,
        start: int,
        ids: Int64Array,
        timestamps: Int64Array,
        values: Float64Array,
        result: AppendResult,
    ) -> None:
        window = self._open.get(start)
        head = window.head if window else self._new_head(start, 0)
        keys = head.keys(ids, timestamps)
        order = np.argsort(keys, kind="stable")
        keys, values, ids, timestamps = keys[order], values[order], ids[order], timestamps[order]
        bits = values.view(np.uint64)
        # Two samples for one series and timestamp in the same batch: the first one counts.
        repeat = np.zeros(keys.shape[0], dtype=bool)
        repeat[1:] = keys[1:] == keys[:-1]
        same = np.zeros_like(repeat)
        same[1:] = bits[1:] == bits[:-1]
        duplicate = repeat & same
        conflict = repeat & ~same
        # Only samples not newer than their series' newest can already be stored.
        maybe_stored = ~repeat & (timestamps <= self._index.max_time.data[ids])
        if maybe_stored.any():
            candidates = np.flatnonzero(maybe_stored)
            found, stored = self._lookup(window is not None, head, keys[candidates])
            stored_same = stored.view(np.uint64) == bits[candidates]
            duplicate[candidates[found & stored_same]] = True
            conflict[candidates[found & ~stored_same]] = True
        result.duplicates += int(duplicate.sum())
        if conflict.any():
            first = int(np.flatnonzero(conflict)[0])
            result.rejected.append(
                Rejection(
                    "duplicate sample for timestamp (a different value is already stored)",
                    int(conflict.sum()),
                    render(self._index.labels[int(ids[first])]),
                    int(timestamps[first]),
                )
            )
        accept = ~(duplicate | conflict)
        if not accept.any():
            return
        ids, timestamps, keys, values = (
            ids[accept],
            timestamps[accept],
            keys[accept],
            values[accept],
        )
        if window is None:
            window = self._open_window(head)
        window.wal.append(ids, timestamps, values)
        head.insert(keys, values)
        self._index.note_times(ids, timestamps)
        result.accepted += int(keys.shape[0])

    def _lookup(
        self, head_is_open: bool, head: HeadWindow, keys: Int64Array
    ) -> tuple[np.ndarray, Float64Array]:
        """Which keys are stored (in the open window, or in a block of the same window)."""
        found = np.zeros(keys.shape[0], dtype=bool)
        values = np.full(keys.shape[0], np.nan)
        heads = [h for h in self._closing if h.start_ms == head.start_ms]
        if head_is_open:
            heads.append(head)
        for candidate in heads:
            hit, stored = candidate.lookup(keys)
            values[hit & ~found] = stored[hit & ~found]
            found |= hit
        closed = [b for b in self._blocks[_RAW] if b.meta.window_start == head.start_ms]
        if closed and not found.all():
            ids, timestamps = head.split_keys(keys[~found])
            for block in closed:
                data = block.read(
                    np.unique(ids), int(timestamps.min()), int(timestamps.max()), _VALUE_COLUMNS
                )
                stored_keys = head.keys(data.ids, data.timestamps)
                position = np.minimum(
                    np.searchsorted(stored_keys, keys), max(stored_keys.shape[0] - 1, 0)
                )
                hit = ~found & (stored_keys.shape[0] > 0)
                hit[hit] = stored_keys[position[hit]] == keys[hit]
                values[hit] = data.columns["value"][position[hit]]
                found |= hit
        return found, values

    def _open_window(self, head: HeadWindow) -> _OpenWindow:
        generation = 1 + max(
            [b.meta.generation for b in self._blocks[_RAW] if b.meta.window_start == head.start_ms]
            + [h.generation for h in self._closing if h.start_ms == head.start_ms]
            + [-1]
        )
        head.generation = generation
        path = wal_path(self._dir / "wal", head.start_ms, generation)
        window = _OpenWindow(head, WindowWal(path, self._config.wal_fsync))
        self._open[head.start_ms] = window
        return window

    def _update_metadata(self, metadata: dict[str, MetricMetadata]) -> None:
        changed = {k: v for k, v in metadata.items() if self._metadata.get(k) != v}
        if not changed:
            return
        with self._write_lock:
            self._metadata.update(changed)
            payload = json.dumps({k: v.__dict__ for k, v in self._metadata.items()})
            temporary = self._dir / "metadata.json.tmp"
            temporary.write_text(payload)
            os.replace(temporary, self._dir / "metadata.json")

    # ----------------------------------------------------------------------------- reads

    def select(
        self, matchers: Sequence[Matcher], start_ms: int, end_ms: int, scope: Scope = UNRESTRICTED
    ) -> SeriesSet:
        ids = self._matching_ids(matchers, start_ms, end_ms, scope)
        return self._series_set(ids, start_ms, end_ms)

    def select_batches(
        self,
        matchers: Sequence[Matcher],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
        *,
        batch_samples: int,
    ) -> Iterator[SeriesSet]:
        ids = self._matching_ids(matchers, start_ms, end_ms, scope)
        size = max(1, batch_samples // _GUESSED_SAMPLES_PER_SERIES)
        if len(ids) <= size:  # one group (most queries): no order to choose
            if len(ids):
                yield self._series_set(ids, start_ms, end_ms)
            return
        # In label order: a block stores its rows by label set, so a group of label neighbours
        # decodes a few neighbouring row groups rather than a scattering of them.
        ordered = sorted(ids.tolist(), key=self._index.labels.__getitem__)
        position = 0
        while position < len(ordered):
            group = np.sort(np.asarray(ordered[position : position + size], dtype=np.int64))
            position += len(group)
            found = self._series_set(group, start_ms, end_ms)
            yield found
            per_series = max(len(found.timestamps) / len(group), 1.0)
            size = max(1, int(batch_samples / per_series))

    def select_rollup(
        self,
        matchers: Sequence[Matcher],
        start_ms: int,
        end_ms: int,
        resolution_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> RollupSet:
        names = {ms: name for name, ms in RESOLUTIONS.items()}
        if resolution_ms not in names:
            raise ValueError(f"no rollup at {resolution_ms} ms; have {sorted(names)}")
        ids = self._matching_ids(matchers, start_ms, end_ms, scope)
        data = self._read(ids, start_ms, end_ms, names[resolution_ms], ROLLUP_COLUMNS)
        labels, offsets = self._group(data.ids)
        return RollupSet(resolution_ms, labels, offsets, data.timestamps, data.columns)

    def _series_set(self, ids: Int64Array, start_ms: int, end_ms: int) -> SeriesSet:
        data = self._read(ids, start_ms, end_ms, _RAW, _VALUE_COLUMNS)
        labels, offsets = self._group(data.ids)
        return SeriesSet(labels, offsets, data.timestamps, data.columns["value"])

    def _matching_ids(
        self, matchers: Sequence[Matcher], start_ms: int, end_ms: int, scope: Scope
    ) -> Int64Array:
        ids = self._index.select(scope.restrict(matchers))
        return self._index.in_time_range(ids, start_ms, end_ms)

    def _read(
        self,
        ids: Int64Array,
        start_ms: int,
        end_ms: int,
        resolution: str,
        columns: tuple[str, ...],
    ) -> BlockData:
        with self._write_lock:
            heads = [w.head for w in self._open.values()] + list(self._closing)
            blocks = list(self._blocks[resolution])
        parts: list[tuple[int, BlockData]] = []
        for head in heads:
            if head.start_ms <= end_ms and head.end_ms > start_ms:
                raw = _raw_of(head, head.select(ids, start_ms, end_ms))
                # Buckets still in the head are rolled up on the fly, so recent ones are there.
                rolled = raw if resolution == _RAW else compute_rollup(raw, RESOLUTIONS[resolution])
                parts.append((head.start_ms, rolled))
        for block in blocks:
            if block.overlaps(start_ms, end_ms):
                try:
                    data = block.read(ids, start_ms, end_ms, columns)
                except FileNotFoundError:
                    continue  # removed by retention during this read
                parts.append((block.meta.window_start, data))
        return merge_windows(parts) if parts else empty_block_data(columns)

    def _group(self, ids: Int64Array) -> tuple[list[Labels], Int64Array]:
        """Labels and row offsets of each series in rows sorted by series."""
        starts = np.flatnonzero(np.diff(ids)) + 1
        offsets = np.concatenate(([0], starts, [ids.shape[0]])).astype(np.int64)
        if ids.shape[0] == 0:
            offsets = np.zeros(1, dtype=np.int64)
        return [self._index.labels[i] for i in ids[offsets[:-1]].tolist()], offsets

    def series(
        self,
        selectors: Sequence[Sequence[Matcher]],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> list[Labels]:
        ids = self._ids_for_selectors(selectors, start_ms, end_ms, scope)
        return [self._index.labels[i] for i in ids.tolist()]

    def label_names(
        self,
        selectors: Sequence[Sequence[Matcher]],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> list[str]:
        ids = self._ids_for_selectors(selectors, start_ms, end_ms, scope)
        return sorted(self._index.names_of(ids))

    def label_values(
        self,
        name: str,
        selectors: Sequence[Sequence[Matcher]],
        start_ms: int,
        end_ms: int,
        scope: Scope = UNRESTRICTED,
    ) -> list[str]:
        ids = self._ids_for_selectors(selectors, start_ms, end_ms, scope)
        return sorted(self._index.values_of(name, ids))

    def _ids_for_selectors(
        self,
        selectors: Sequence[Sequence[Matcher]],
        start_ms: int,
        end_ms: int,
        scope: Scope,
    ) -> Int64Array:
        if not selectors:
            return self._matching_ids([], start_ms, end_ms, scope)
        found = [self._matching_ids(s, start_ms, end_ms, scope) for s in selectors]
        return np.unique(np.concatenate(found))

    def metadata(self) -> dict[str, MetricMetadata]:
        return dict(self._metadata)

    def stats(self) -> StorageStats:
        with self._write_lock:
            heads = [w.head for w in self._open.values()] + list(self._closing)
            block_count = sum(len(b) for b in self._blocks.values())
        oldest_head = min((h.start_ms for h in heads), default=None)
        return StorageStats(
            series=len(self._index),
            head_samples=sum(h.samples for h in heads),
            # Series written to since the oldest window in memory began: cheap enough per scrape.
            head_series=0
            if oldest_head is None
            else int(np.count_nonzero(self._index.max_time.data >= oldest_head)),
            blocks=block_count,
            disk_bytes=tree_size(self._dir),
            wal_bytes=tree_size(self._dir / "wal"),
            block_cache_bytes=self._block_cache.size_bytes,
        )

    # ----------------------------------------------------------------------------- maintenance

    def maintain(self, now_ms: int | None = None) -> None:
        """Close windows past their grace period into blocks, then apply retention."""
        now = _now_ms() if now_ms is None else now_ms
        with self._maintenance_lock:
            grace = int(self._config.head_grace.total_seconds() * 1000)
            for start in sorted(self._open):
                if self._open[start].head.end_ms + grace <= now:
                    self._close_window(start)
            self._apply_retention(now)

    def flush_all(self) -> None:
        """Close every window now (used by tests and benchmarks to measure blocks)."""
        with self._maintenance_lock:
            for start in sorted(self._open):
                self._close_window(start)

    def _close_window(self, start: int) -> None:
        with self._write_lock:
            window = self._open.pop(start)
            self._closing.append(window.head)
        head = window.head
        previous = [b for b in self._blocks[_RAW] if b.meta.window_start == start]
        parts = [_raw_of(head, head.everything())]
        parts += [b.read_all(_VALUE_COLUMNS) for b in previous]
        raw = sort_block_data(parts)
        if raw.ids.shape[0] == 0:
            with self._write_lock:
                self._closing.remove(head)
            head.release()
            _discard_logs(window)
            return
        written: dict[str, Block] = {}
        for resolution in (*RESOLUTIONS, _RAW):  # raw last: its rename commits the window
            data = raw if resolution == _RAW else compute_rollup(raw, RESOLUTIONS[resolution])
            replaced = [b for b in self._blocks[resolution] if b.meta.window_start == start]
            meta = BlockMeta(
                resolution=resolution,
                window_start=start,
                window_end=head.end_ms,
                min_time=int(data.timestamps.min()),
                max_time=int(data.timestamps.max()),
                samples=int(data.ids.shape[0]),
                series=int(np.unique(data.ids).shape[0]),
                generation=head.generation,
                source_wals=(window.wal.path.name, *(p.name for p in window.replayed_wals))
                if resolution == _RAW
                else (),
                replaces=tuple(b.name for b in replaced),
            )
            path = write_block(self._dir / "blocks" / resolution, meta, data, self._index.labels)
            written[resolution] = Block(path, self._block_cache)
        with self._write_lock:
            for resolution, block in written.items():
                old = [b for b in self._blocks[resolution] if b.name in block.meta.replaces]
                self._blocks[resolution] = [b for b in self._blocks[resolution] if b not in old] + [
                    block
                ]
                for b in old:
                    b.delete()
            self._closing.remove(head)
        head.release()
        _discard_logs(window)

    def _apply_retention(self, now: int) -> None:
        keep_for = {
            _RAW: self._config.retention.raw,
            "5m": self._config.retention.rollup_5m,
            "1h": self._config.retention.rollup_1h,
        }
        for resolution, blocks in self._blocks.items():
            horizon = now - int(keep_for[resolution].total_seconds() * 1000)
            expired = [b for b in blocks if b.meta.window_end <= horizon]
            if not expired:
                continue
            with self._write_lock:
                self._blocks[resolution] = [b for b in blocks if b not in expired]
            for block in expired:
                block.delete()

    def close(self) -> None:
        with self._write_lock:
            for window in self._open.values():
                window.wal.close()
            self._open.clear()
            self._series_log.close()


def _discard_logs(window: _OpenWindow) -> None:
    """Remove a closed window's logs: its samples are in a block now (or there were none)."""
    window.wal.remove()
    for path in window.replayed_wals:
        path.unlink(missing_ok=True)


def _raw_of(head: HeadWindow, run: Run) -> BlockData:
    ids, timestamps = head.split_keys(run.keys)
    return BlockData(ids, timestamps, {"value": run.values})
