"""Storage: the Storage protocol and the embedded engine that implements it."""

from pulseboard.storage.protocol import (
    AppendResult,
    LimitExceededError,
    Rejection,
    RollupSet,
    Scope,
    SeriesSet,
    Storage,
    StorageStats,
)

__all__ = [
    "AppendResult",
    "LimitExceededError",
    "Rejection",
    "RollupSet",
    "Scope",
    "SeriesSet",
    "Storage",
    "StorageStats",
]
