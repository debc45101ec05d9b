"""A numpy array indexed by series id that grows as series are created."""

from __future__ import annotations

from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T", bound=np.generic)


class GrowableArray(Generic[T]):
    def __init__(self, dtype: type[T], fill: int | float) -> None:
        self._fill = fill
        self.data: npt.NDArray[T] = np.full(1024, fill, dtype=dtype)

    def ensure(self, size: int) -> None:
        if size > self.data.shape[0]:
            grown = np.full(max(size, self.data.shape[0] * 2), self._fill, dtype=self.data.dtype)
            grown[: self.data.shape[0]] = self.data
            self.data = grown
