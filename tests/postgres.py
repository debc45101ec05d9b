"""Throw-away PostgreSQL databases on the machine's server, for tests of both metadata backends.

PULSEBOARD_TEST_POSTGRES_URL names the server's admin database. PostgreSQL being unreachable is
an error, not a skip: CI starts it.
"""

from __future__ import annotations

import os
import secrets

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ADMIN_URL = os.environ.get(
    "PULSEBOARD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


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
