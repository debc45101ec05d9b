"""Every metadata test runs on SQLite (a file in a temporary directory) and on PostgreSQL.

PostgreSQL tests use databases created for this test session (random names, dropped at the
end), so parallel runs never see each other's rows. PostgreSQL being unreachable is an error,
not a skip: CI starts it. PULSEBOARD_TEST_POSTGRES_URL names the server's admin database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from pulseboard.meta import MetaDatabase, open_database
from pulseboard.meta.tables import Base
from tests.postgres import PostgresDatabases

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def shared_postgres_url(postgres: PostgresDatabases) -> str:
    return postgres.create()


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresDatabases) -> str:
    """The URL of an empty database of each backend, never migrated."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'meta.db'}"
    return postgres.create()


@pytest.fixture(params=BACKENDS)
def meta_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database with no rows: a new SQLite file, or the session's PostgreSQL
    database emptied after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'meta.db'}"
        return
    url: str = request.getfixturevalue("shared_postgres_url")
    yield url
    cleaner = open_database(url)
    with cleaner.writing() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    cleaner.close()


@pytest.fixture
def database(meta_url: str) -> Iterator[MetaDatabase]:
    opened = open_database(meta_url)
    yield opened
    opened.close()
