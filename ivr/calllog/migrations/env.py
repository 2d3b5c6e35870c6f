"""Alembic environment of the call log: runs on the connection ``database.upgrade`` passes in."""

from __future__ import annotations

from alembic import context

from ivr.calllog.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through ivr.calllog.database.upgrade "
                       "(flask --app ivr db upgrade), which passes a connection")
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
