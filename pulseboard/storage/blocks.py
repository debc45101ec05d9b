"""Closed blocks: one window of samples (or of rollups) in its own directory, written once.

Rows are sorted by label set then time, so the series of one metric are neighbours in the file;
`index.npz` maps series id -> row range. Retention deletes whole directories. A block directory is
built under a temporary name and renamed into place, so a killed process never leaves half of one.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pulseboard.model.labels import Labels
from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.storage.block_cache import DecodedGroupCache
from pulseboard.storage.files import fsync_dir
from pulseboard.storage.ranges import gather_ranges, interleave_by_series

ROW_GROUP_ROWS = 65_536
_DATA = "data.parquet"
_INDEX = "index.npz"
_META = "meta.json"


@dataclass(frozen=True)
class BlockMeta:
    resolution: str  # "raw", "5m", "1h"
    window_start: int
    window_end: int
    min_time: int
    max_time: int
    samples: int
    series: int
    generation: int
    # WAL files whose samples this block holds, and blocks it supersedes (on a crash between the
    # rename and the clean-up, the next start finishes the clean-up from these).
    source_wals: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()


@dataclass
class BlockData:
    """Rows sorted by (series id, time): what a block is written from and read into."""

    ids: Int64Array
    timestamps: Int64Array
    columns: dict[str, Float64Array]


def write_block(parent: Path, meta: BlockMeta, data: BlockData, labels: list[Labels]) -> Path:
    """Write a block under `parent`; `labels[id]` orders its rows (metric-contiguous)."""
    unique_ids, starts = np.unique(data.ids, return_index=True)
    counts = np.diff(np.append(starts, data.ids.shape[0]))
    # Order series by label set so that one metric's series sit together on disk.
    by_labels = sorted(range(unique_ids.shape[0]), key=lambda i: labels[int(unique_ids[i])])
    order = np.asarray(by_labels, dtype=np.int64)
    rows = gather_ranges(starts[order], starts[order] + counts[order])
    row_start = np.empty_like(starts)
    row_start[order] = np.cumsum(counts[order]) - counts[order]
    min_times = data.timestamps[starts]
    max_times = data.timestamps[starts + counts - 1]

    name = f"{meta.window_start:015d}-{meta.generation:04d}"
    temporary = parent / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    temporary.mkdir(parents=True)
    table = pa.table({"t": data.timestamps[rows], **{k: v[rows] for k, v in data.columns.items()}})
    pq.write_table(
        table,
        temporary / _DATA,
        row_group_size=ROW_GROUP_ROWS,
        compression="zstd",
        compression_level=3,
        use_dictionary=False,
        column_encoding={
            "t": "DELTA_BINARY_PACKED",
            **dict.fromkeys(data.columns, "BYTE_STREAM_SPLIT"),
        },
        data_page_version="2.0",
        write_statistics=False,
    )
    np.savez(
        temporary / _INDEX,
        ids=unique_ids,
        row_start=row_start,
        row_count=counts,
        min_time=min_times,
        max_time=max_times,
    )
    (temporary / _META).write_text(json.dumps(meta.__dict__))
    for child in temporary.iterdir():
        with open(child, "rb") as handle:
            os.fsync(handle.fileno())
    final = parent / name
    temporary.rename(final)
    fsync_dir(parent)
    return final


class Block:
    """A closed block, its small index held in memory, its data read on demand."""

    def __init__(self, path: Path, cache: DecodedGroupCache | None = None) -> None:
        self.path = path
        self._cache = cache
        raw: dict[str, Any] = json.loads((path / _META).read_text())
        raw["source_wals"] = tuple(raw.get("source_wals", ()))
        raw["replaces"] = tuple(raw.get("replaces", ()))
        self.meta = BlockMeta(**raw)
        with np.load(path / _INDEX) as index:
            self.ids: Int64Array = index["ids"]
            self.row_start: Int64Array = index["row_start"]
            self.row_count: Int64Array = index["row_count"]
            self.min_time: Int64Array = index["min_time"]
            self.max_time: Int64Array = index["max_time"]
        self._file: pq.ParquetFile | None = None
        self._group_starts: Int64Array | None = None
        # A ParquetFile's reader is not safe to share between threads (concurrent reads of one
        # file fail in its read cache); queries of one dashboard read the same blocks at once.
        self._file_lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.path.name

    def overlaps(self, start_ms: int, end_ms: int) -> bool:
        return self.meta.min_time <= end_ms and self.meta.max_time >= start_ms

    def read(
        self, ids: Int64Array, start_ms: int, end_ms: int, columns: tuple[str, ...]
    ) -> BlockData:
        """Rows of the given (ascending) series with start_ms <= t <= end_ms."""
        position = np.searchsorted(self.ids, ids)
        inside = position < self.ids.shape[0]
        position = position[inside]
        present = position[self.ids[position] == ids[inside]]
        present = present[(self.min_time[present] <= end_ms) & (self.max_time[present] >= start_ms)]
        if present.shape[0] == 0:
            return empty_block_data(columns)
        wanted = gather_ranges(
            self.row_start[present], self.row_start[present] + self.row_count[present]
        )
        series_of_row = np.repeat(self.ids[present], self.row_count[present])
        table = self._read_rows(wanted, ("t", *columns))
        timestamps = table["t"]
        keep = (timestamps >= start_ms) & (timestamps <= end_ms)
        return BlockData(
            series_of_row[keep],
            timestamps[keep],
            {name: table[name][keep] for name in columns},
        )

    def _open(self) -> tuple[pq.ParquetFile, Int64Array]:
        with self._file_lock:
            if self._file is None or self._group_starts is None:
                self._file = pq.ParquetFile(self.path / _DATA, memory_map=True)
                metadata = self._file.metadata
                group_rows = [
                    metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)
                ]
                self._group_starts = np.concatenate(([0], np.cumsum(group_rows))).astype(np.int64)
            return self._file, self._group_starts

    def _read_rows(self, rows: Int64Array, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
        _, group_starts = self._open()
        group_of_row = np.searchsorted(group_starts, rows, side="right") - 1
        # Which row groups are read: a count per group is linear, unlike sorting the rows.
        groups = np.flatnonzero(np.bincount(group_of_row, minlength=len(group_starts) - 1))
        decoded = [self._decoded_group(int(group)) for group in groups.tolist()]
        if len(decoded) == 1:
            arrays = decoded[0]
        else:
            arrays = {name: np.concatenate([group[name] for group in decoded]) for name in columns}
        # Rows of the groups read, renumbered from 0 in the order they were read.
        sizes = group_starts[groups + 1] - group_starts[groups]
        local_base = np.cumsum(sizes) - sizes
        slot = np.searchsorted(groups, group_of_row)
        local = rows - group_starts[group_of_row] + local_base[slot]
        return {name: arrays[name][local] for name in columns}

    def _decoded_group(self, group: int) -> dict[str, np.ndarray]:
        def load() -> dict[str, np.ndarray]:
            parquet, _ = self._open()
            with self._file_lock:
                table = parquet.read_row_group(group)
            return {name: table.column(name).to_numpy() for name in table.column_names}

        if self._cache is None:
            return load()
        return self._cache.get((str(self.path), group), load)

    def read_all(self, columns: tuple[str, ...]) -> BlockData:
        return self.read(self.ids, self.meta.min_time, self.meta.max_time, columns)

    def delete(self) -> None:
        with self._file_lock:
            self._file = None
        if self._cache is not None:
            self._cache.forget(str(self.path))
        shutil.rmtree(self.path, ignore_errors=True)


def empty_block_data(columns: tuple[str, ...]) -> BlockData:
    return BlockData(
        np.empty(0, np.int64), np.empty(0, np.int64), {c: np.empty(0, np.float64) for c in columns}
    )


def sort_block_data(parts: list[BlockData]) -> BlockData:
    """Concatenate parts and sort rows by (series, time); on equal keys the earlier part wins."""
    if not parts:
        raise ValueError("no data")
    columns = tuple(parts[0].columns)
    ids = np.concatenate([p.ids for p in parts])
    timestamps = np.concatenate([p.timestamps for p in parts])
    order = np.lexsort((timestamps, ids))
    ids, timestamps = ids[order], timestamps[order]
    keep = np.ones(ids.shape[0], dtype=bool)
    keep[1:] = (ids[1:] != ids[:-1]) | (timestamps[1:] != timestamps[:-1])
    merged = {
        name: np.concatenate([p.columns[name] for p in parts])[order][keep] for name in columns
    }
    return BlockData(ids[keep], timestamps[keep], merged)


def merge_windows(parts: list[tuple[int, BlockData]]) -> BlockData:
    """Rows of several block windows (keyed by window start) in (series, time) order.

    Parts of one window may overlap (a late generation and its older block): those are sorted
    and deduplicated together. Distinct windows never overlap in time, so they are interleaved
    in linear time instead of sorted.
    """
    by_window: dict[int, list[BlockData]] = {}
    for start, data in parts:
        if data.ids.shape[0]:
            by_window.setdefault(start, []).append(data)
    if not by_window:
        return empty_block_data(tuple(parts[0][1].columns) if parts else ())
    windows = [
        group[0] if len(group) == 1 else sort_block_data(group)
        for _, group in sorted(by_window.items())
    ]
    if len(windows) == 1:
        return windows[0]
    total, places = interleave_by_series([window.ids for window in windows])
    ids = np.empty(total, dtype=np.int64)
    timestamps = np.empty(total, dtype=np.int64)
    columns = {name: np.empty(total, dtype=np.float64) for name in windows[0].columns}
    for window, destination in zip(windows, places, strict=True):
        ids[destination] = window.ids
        timestamps[destination] = window.timestamps
        for name, column in columns.items():
            column[destination] = window.columns[name]
    return BlockData(ids, timestamps, columns)
