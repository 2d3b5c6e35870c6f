"""Fixtures of the call log tests: a migrated engine, writers, a minimal app.

The databases themselves (``database_url``: a SQLite file, or a fresh
PostgreSQL schema) come from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from ivr import calllog
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.writer import CallLog
from ivr.db import database

from .calllog_support import KEY, Script


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
