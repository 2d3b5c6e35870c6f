"""Alembic environment: runs on the connection ``database.upgrade`` passes in.

It imports none of the packages whose tables it migrates (they sit above
``ivr.db``); a caller that wants to compare or autogenerate passes their
metadata in ``config.attributes["metadata"]``.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through ivr.db.database.upgrade "
                       "(flask --app ivr db upgrade), which passes a connection")
context.configure(connection=connection,
                  target_metadata=context.config.attributes.get("metadata"),
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
