"""Every metadata test runs on SQLite (a file in a temporary directory) and on PostgreSQL.

PostgreSQL tests use databases created for this test session (random names, dropped at the
end), so parallel runs never see each other's rows. PostgreSQL being unreachable is an error,
not a skip: CI starts it. PULSEBOARD_TEST_POSTGRES_URL names the server's admin database.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import delete
from sqlalchemy.engine import URL, make_url

from pulseboard.meta import MetaDatabase, open_database
from pulseboard.meta.tables import Base

ADMIN_URL = os.environ.get(
    "PULSEBOARD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them all at the end."""

    def __init__(self, admin_url: str) -> None:
        self._admin: URL = make_url(admin_url)
        self._created: list[str] = []

    def create(self) -> str:
        name = f"pulseboard_test_{secrets.token_hex(6)}"
        self._run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self._created.append(name)
        return self._admin.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        for name in self._created:
            self._run(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def _run(self, statement: sql.Composed) -> None:
        conninfo = self._admin.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(statement)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(ADMIN_URL)
    yield databases
    databases.drop_all()


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
