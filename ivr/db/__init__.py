"""The database every table lives in: engines for SQLite and PostgreSQL, and migrations.

``database`` makes engines set up the same way for both (WAL, timeouts,
nothing of the rows in the logs) and runs the one Alembic history of every
table (``migrations/``): the call log's, the staff accounts'. It may import
SQLAlchemy, Alembic and ``ivr.config``; nothing above it.
"""
