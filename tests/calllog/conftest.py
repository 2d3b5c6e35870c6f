"""Fixtures of the call log tests: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL tests use ``IVR_TEST_POSTGRES_URL`` (default: the CI server,
postgresql+psycopg://postgres@127.0.0.1:5432/test), each in a schema of its
own. When the server cannot be reached they are skipped, except in CI
(``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Engine, make_url

from ivr import calllog
from ivr.calllog import database
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.writer import CallLog, describe
from ivr.config import database_url as normalise_url

from .calllog_support import KEY, Script, admin, with_schema

POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Return the test server's URL, or skip (fail in CI) when it cannot be reached."""
    url = normalise_url(os.environ.get("IVR_TEST_POSTGRES_URL", POSTGRES_DEFAULT))
    engine = database.create_engine(url, busy_timeout=3)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        message = f"PostgreSQL unreachable at {make_url(url)!r}: {describe(exc)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'calls.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_url")
    schema = f"calllog_test_{uuid.uuid4().hex[:12]}"
    admin(server, f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(server, schema)
    finally:
        admin(server, f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Yield an engine on a migrated, empty call log."""
    engine = database.create_engine(database_url, busy_timeout=2)
    database.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def spool_dir(tmp_path: Path) -> Path:
    return tmp_path / "spool"


@pytest.fixture
def make_log(database_url: str, spool_dir: Path) -> Iterator[Any]:
    """Return a factory of call log writers (fast retries), all closed after the test."""
    made: list[CallLog] = []

    def make(url: str = database_url, *, keep_numbers: bool = False, **options: Any) -> CallLog:
        options = {"busy_timeout": 0.2, "retry_delays": (0.05, 0.2), **options}
        log = CallLog(url, spool_dir, CallerPrivacy.from_settings(KEY, keep_numbers), **options)
        made.append(log)
        return log

    yield make
    for log in made:
        log.close(timeout=5)


@pytest.fixture
def app(database_url: str, engine: Engine, spool_dir: Path) -> Iterator[Flask]:
    """Yield a minimal Flask app with the call log (the voice views are not needed)."""
    app = Flask("calllog_test")
    app.config.update(TESTING=True, DATABASE_URL=database_url, IVR_SPOOL_DIR=str(spool_dir),
                      IVR_CALLER_HASH_KEY=KEY, IVR_STORE_FULL_NUMBERS=False,
                      IVR_RETENTION_DAYS=180)
    calllog.init_app(app)
    yield app
    app.extensions["calllog"].close()


@pytest.fixture
def script() -> type[Script]:
    return Script
