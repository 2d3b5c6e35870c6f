"""What the call log says while it cannot write: once, not per try, event or flap."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from ivr.calllog import trouble
from ivr.calllog.trouble import SchemaBehind, Trouble
from ivr.db import database

REFUSED = sa.exc.OperationalError("INSERT ...", {}, Exception("connection refused"))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(trouble.time, "monotonic", lambda: now[0])
    return now


def said(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO]


def test_an_outage_is_said_once_and_retried_every_five_seconds_at_most(caplog, clock) -> None:
    caplog.set_level(logging.DEBUG, logger="ivr.calllog.writer")
    state = Trouble((0.5, 5.0))
    delays = []
    for _ in range(8):
        delays.append(state.failed(REFUSED, 1234))
        clock[0] += delays[-1]
    state.recovered(42)
    assert delays == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0]
    assert said(caplog) == [
        ("WARNING", "call log: cannot write to the database (OperationalError: connection "
                    "refused); call events are kept in the spool and written when it is back "
                    "(retrying every 5 s at most)"),
        ("INFO", "call log: database back, 42 kept events stored")]
    assert state.delay == 0.0


def test_a_flapping_database_is_said_once_in_ten_minutes(caplog, clock) -> None:
    caplog.set_level(logging.INFO, logger="ivr.calllog.writer")
    state = Trouble((0.5, 5.0))
    for _ in range(100):  # fails, comes back, fails again... for 9 minutes
        state.failed(REFUSED, 10)
        clock[0] += 5.4
        state.recovered(3)
    clock[0] += 100
    state.failed(REFUSED, 10)  # ten minutes on: said again
    warnings = [m for level, m in said(caplog) if level == "WARNING"]
    assert len(warnings) == 2 and warnings[0] == warnings[1]


def test_a_missing_schema_is_one_error_naming_the_command(caplog, clock) -> None:
    caplog.set_level(logging.INFO, logger="ivr.calllog.writer")
    state = Trouble((0.5, 5.0))
    for _ in range(50):
        clock[0] += state.failed(SchemaBehind(None, "0005"), 99)
    state.failed(SchemaBehind("0004", "0005"), 99)  # an older deploy migrated it meanwhile
    assert said(caplog) == [
        ("ERROR", "call log: the database schema is empty, this code needs revision 0005: run "
                  "`flask --app ivr db upgrade` (the Procfile's release step). Call events are "
                  "kept in the spool and written once the schema is there."),
        ("ERROR", "call log: the database schema is at revision 0004, this code needs "
                  "revision 0005: run `flask --app ivr db upgrade` (the Procfile's release "
                  "step). Call events are kept in the spool and written once the schema is "
                  "there.")]


def test_missing_migrations_of_an_empty_old_current_and_newer_database(tmp_path) -> None:
    engine = database.create_engine(f"sqlite:///{tmp_path / 'calls.sqlite3'}")
    head = database.head_revision()

    def missing() -> tuple[str | None, str] | None:
        with engine.connect() as connection:
            return database.missing_migrations(connection)

    try:
        assert missing() == (None, head)
        database.upgrade(engine, "0004")
        assert missing() == ("0004", head)
        database.upgrade(engine)
        assert missing() is None
        with engine.begin() as connection:  # a newer deploy's migration: this code writes on
            connection.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff'"))
        assert missing() is None
    finally:
        engine.dispose()
