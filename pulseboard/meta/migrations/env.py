"""Alembic environment: migrations run on the connection `pulseboard.meta.migrate` hands over.

The caller holds the connection's transaction (and, on PostgreSQL, a lock that keeps two
replicas starting together from migrating at once); Alembic runs inside it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from pulseboard.meta.tables import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "Pulseboard's migrations run through pulseboard.meta.migrate.upgrade_to_head(engine), "
        "which passes the connection in config.attributes['connection']"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters tables by copying them; batch mode lets later migrations do that.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
