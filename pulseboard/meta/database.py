"""The metadata database: an engine from a URL, migrated at open, and transactional sessions.

Synchronous on purpose: callers on the event loop run store methods in a worker thread.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from pulseboard.config import Settings
from pulseboard.meta.errors import DatabaseUnavailableError
from pulseboard.meta.migrate import upgrade_to_head

# Execution option marking the connections that will write: on SQLite they take the write lock
# when their transaction begins, so a read-then-write transaction never fails on lock upgrade.
_WRITES = "pulseboard_writes"
_SQLITE_BUSY_TIMEOUT_S = 30


def database_url(settings: Settings) -> str:
    """The configured URL, or the SQLite file in the data directory."""
    if settings.meta.url:
        return settings.meta.url
    return f"sqlite:///{settings.data_dir.resolve() / 'meta.db'}"


class MetaDatabase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{_WRITES: True})

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads: one consistent snapshot, and on SQLite no write lock taken."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole on an exception."""
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def migrate(self) -> None:
        upgrade_to_head(self._write_engine)

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str) -> MetaDatabase:
    """Connect, migrate to the newest schema, and return the database ready for the stores."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailableError(f"invalid metadata database URL: {exc}") from exc
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver Pulseboard ships; SQLAlchemy's bare default is psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    shown = parsed.render_as_string(hide_password=True)
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = _sqlite_engine(parsed.render_as_string(hide_password=False))
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
        database = MetaDatabase(engine)
        database.migrate()
    except (SQLAlchemyError, OSError, ImportError) as exc:
        raise DatabaseUnavailableError(f"cannot open metadata database {shown}: {exc}") from exc
    return database


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, decides when transactions begin (see _begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        _use_write_ahead_log(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(_WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def _use_write_ahead_log(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL (readers never wait for the writer); the mode is kept in the file.

    The switch needs the file to itself and SQLite does not wait for that, so a process opening
    a new file while another one does retries for as long as it would wait for a lock.
    """
    deadline = time.monotonic() + _SQLITE_BUSY_TIMEOUT_S
    while cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)
