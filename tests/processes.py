"""Waiting for a process the tests (or benchmarks) started to answer on loopback."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import httpx


def wait_until_ready(
    process: subprocess.Popen[bytes],
    ready_url: str,
    name: str,
    log_text: Callable[[], str],
    seconds: float = 30,
) -> None:
    """Return once `ready_url` answers 200; kill the process and raise with its log otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log_text()}")
        try:
            if httpx.get(ready_url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not become ready:\n{log_text()}")
