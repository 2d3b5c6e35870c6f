"""Engines and migrations of the call log, the same code for SQLite and PostgreSQL.

SQLite connections use WAL (staff reads never block the log's writes) and a
busy timeout; PostgreSQL ones a connect timeout, so a database that is down
fails fast instead of hanging the writer. Neither parameters nor result rows
appear in SQLAlchemy's logs or exception messages: they may hold caller data.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url

from ivr import config

MIGRATIONS = "ivr.db:migrations"
LOGGING_NAME = "calllog"


# Names for constraints and indexes, the same on SQLite and PostgreSQL (migrations use them).
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# INTEGER PRIMARY KEY is the rowid on SQLite (autoincrementing, no extra index).
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Data = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def naive(moment: datetime) -> datetime:
    """Return an aware time as the naive UTC the tables store."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def aware(moment: datetime | None) -> datetime | None:
    """Return a stored naive UTC time as an aware one."""
    return None if moment is None else moment.replace(tzinfo=UTC)


def sqlite_file(url: str) -> Path | None:
    """Return the database file of a SQLite file URL, None for any other URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_engine(url: str, *, busy_timeout: float = 5.0) -> Engine:
    """Return an engine for ``url`` set up for the call log (WAL, timeouts, nothing logged).

    Any of the URL forms hosting providers hand out works (postgres://...).
    """
    url = config.database_url(url)
    logging.getLogger(f"sqlalchemy.engine.Engine.{LOGGING_NAME}").addFilter(_without_rows)
    options: dict[str, Any] = {"hide_parameters": True, "logging_name": LOGGING_NAME}
    if make_url(url).get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, **options,
                                connect_args={"connect_timeout": max(1, round(busy_timeout))})
    engine = sa.create_engine(url, connect_args={"timeout": busy_timeout}, **options)
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class ProcessEngine:
    """An engine made when first needed in each process (none may cross a gunicorn fork)."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url, self.options = url, options
        self._engine: tuple[int, Engine] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Engine:
        made = self._engine
        if made is not None and made[0] == os.getpid():
            return made[1]
        with self._lock:
            if self._engine is None or self._engine[0] != os.getpid():
                if self._engine is not None:  # the parent's, inherited by a fork: let go of
                    self._engine[1].dispose(close=False)  # its connections, closing none
                self._engine = (os.getpid(), create_engine(self.url, **self.options))
            return self._engine[1]

    def dispose(self) -> None:
        if self._engine is not None and self._engine[0] == os.getpid():
            self._engine[1].dispose()
        self._engine = None


def _without_rows(record: logging.LogRecord) -> bool:
    """Drop SQLAlchemy's debug lines of result rows: they may hold caller data."""
    return record.msg != "Row %r"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL and foreign keys on every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def insert(connection: sa.Connection, table: sa.Table) -> Any:
    """Return the dialect's INSERT for ``table``: both have ``on_conflict_do_*``."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Return the Alembic configuration, in code: no alembic.ini is needed."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create the call log's tables, or bring them up to ``revision``; a no-op when there."""
    with _migration_lock(engine), engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision the code knows."""
    return _revisions()[0]


@functools.cache
def _revisions() -> tuple[str | None, frozenset[str]]:
    """The code's head revision and every revision it knows (read once per process)."""
    script = ScriptDirectory.from_config(alembic_config())
    return script.get_current_head(), frozenset(r.revision for r in script.walk_revisions())


def missing_migrations(connection: sa.Connection) -> tuple[str | None, str] | None:
    """Return (the database's revision, the code's head) when migrations of this code are
    not applied yet (None for the revision of an empty database); None when it is up to
    date, or ahead: a revision the code does not know was migrated by newer code, whose
    migrations add to the tables without taking from them, so this code may write on."""
    head, known = _revisions()
    current = MigrationContext.configure(connection).get_current_revision()
    if current == head or (current is not None and current not in known):
        return None
    return current, head


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations of one SQLite file across processes (workers start together)."""
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".migrate-lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
