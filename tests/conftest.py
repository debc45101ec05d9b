"""Shared fixtures: a Pulseboard app on a temporary data directory, in-process or as a process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pulseboard.config import Settings
from pulseboard.server import Pulseboard, create_app
from tests.postgres import ADMIN_URL, PostgresDatabases
from tests.processes import wait_until_ready


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[callable]:
    """make_client(**settings) -> a TestClient on a running app (lifespan included)."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        # In-process apps listen nowhere: scraping themselves would scrape whatever holds 9400.
        overrides.setdefault("self_monitoring", {"scrape_interval": "0s"})
        settings = Settings(data_dir=tmp_path / f"data{len(clients)}", **overrides)
        client = TestClient(create_app(Pulseboard(settings)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: callable) -> TestClient:
    return make_client()


@dataclass
class ServerProcess:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(
    data_dir: Path, port: int, *extra: str, config: Path | None = None
) -> ServerProcess:
    """`pulseboard serve` as scripts start it; returns once /-/ready answers."""
    log_path = data_dir.parent / f"server-{port}.log"
    command = [
        sys.executable,
        "-m",
        "pulseboard",
        "serve",
        "--listen",
        f"127.0.0.1:{port}",
        "--data-dir",
        str(data_dir),
        *extra,
    ]
    if config is not None:
        command += ["--config", str(config)]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", data_dir, process, log_path)
    wait_until_ready(process, f"{server.url}/-/ready", "server", server.log)
    return server


def stop_server(server: ServerProcess) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    running = start_server(tmp_path / "data", free_port())
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    """Creates PostgreSQL databases for this test session; drops them all at the end."""
    databases = PostgresDatabases(ADMIN_URL)
    yield databases
    databases.drop_all()
