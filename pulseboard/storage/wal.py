"""Write-ahead log: one file per head window, deleted once that window's block is written.

Each record is one appended batch: a header (sample count, CRC32 of the payload) and the payload
(series ids, timestamps, values as little-endian arrays). A record is complete or ignored: a torn
tail left by a killed process was never acknowledged and is cut off on replay.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from pulseboard.model.samples import Float64Array, Int64Array
from pulseboard.storage.files import write_all

_HEADER = struct.Struct("<II")


def wal_path(directory: Path, window_start: int, generation: int) -> Path:
    return directory / f"{window_start:015d}-{generation:04d}.wal"


def parse_wal_name(path: Path) -> tuple[int, int] | None:
    stem = path.stem.split("-")
    if path.suffix != ".wal" or len(stem) != 2 or not all(part.isdigit() for part in stem):
        return None
    return int(stem[0]), int(stem[1])


class WindowWal:
    def __init__(self, path: Path, fsync: bool) -> None:
        self.path = path
        self._fsync = fsync
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.size = os.fstat(self._fd).st_size

    def append(self, ids: Int64Array, timestamps: Int64Array, values: Float64Array) -> None:
        payload = (
            ids.astype("<i8", copy=False).tobytes()
            + timestamps.astype("<i8", copy=False).tobytes()
            + values.astype("<f8", copy=False).tobytes()
        )
        record = _HEADER.pack(ids.shape[0], zlib.crc32(payload)) + payload
        write_all(self._fd, record)
        self.size += len(record)
        if self._fsync:
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


def replay(path: Path) -> Iterator[tuple[Int64Array, Int64Array, Float64Array]]:
    """Yield the complete records of a log, truncating a torn or corrupt tail."""
    data = path.read_bytes()
    position = 0
    while position + _HEADER.size <= len(data):
        count, crc = _HEADER.unpack_from(data, position)
        end = position + _HEADER.size + count * 24
        payload = data[position + _HEADER.size : end]
        if end > len(data) or zlib.crc32(payload) != crc:
            break
        ids = np.frombuffer(payload, dtype="<i8", count=count).astype(np.int64)
        timestamps = np.frombuffer(payload, dtype="<i8", count=count, offset=count * 8)
        values = np.frombuffer(payload, dtype="<f8", count=count, offset=count * 16)
        yield ids, timestamps.astype(np.int64), values.astype(np.float64)
        position = end
    if position != len(data):
        with open(path, "r+b") as handle:
            handle.truncate(position)
