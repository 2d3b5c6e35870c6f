"""Fixtures of the menus store's tests: a migrated engine on SQLite and PostgreSQL, a clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from ivr.db import database

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # Wednesday 10:00 in Japan


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = database.create_engine(database_url, busy_timeout=2)
    database.upgrade(engine)
    yield engine
    engine.dispose()


def audit_rows(engine: Engine) -> list[tuple]:
    from ivr.menustore import audit

    with engine.connect() as connection:
        return [(e.actor, e.action, e.target, e.detail)
                for e in reversed(audit.entries(connection))]
