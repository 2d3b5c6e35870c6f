"""Deploying on an empty database, as the Procfile does: with its release step, and without.

Real processes: the Procfile's ``release:`` line (the migrations) and its
``web:`` line (gunicorn on loopback), signed calls over HTTP. With the
release step, calls are logged. Without it on PostgreSQL (whose schema the
web process leaves to the release step) or with a schema left behind by an
older deploy, callers are answered as usual, the operator is told once per
worker what to run, the events wait in the spool, and once the release step
runs they all reach the log, each once, in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import admin
from sqlalchemy.engine import make_url

from bench.faultsbench import check
from bench.faultsbench import hotline as h
from ivr.db import database

pytestmark = pytest.mark.e2e
HEAD = database.head_revision()
CALLS = 4


@pytest.fixture
def empty_postgres(postgres_url: str) -> Iterator[str]:
    """The URL of a PostgreSQL database of the test's own, without any table."""
    name = f"faultsdb_{uuid.uuid4().hex[:12]}"
    admin(postgres_url, f"CREATE DATABASE {name}")
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        admin(postgres_url, f"DROP DATABASE {name} WITH (FORCE)")


def calls_answered(base: str, tag: str) -> list[str]:
    """Play CALLS calls; check each heard the reference call's answers; return their sids."""
    played = [h.play(base, f"CA{tag}{n:030x}") for n in range(CALLS)]
    assert check.reference_problems(played[0]) == []
    assert check.answer_problems(played[1:], played[0]) == []
    return [call.sid for call in played]


def assert_logged_once_in_order(url: str, sids: list[str]) -> None:
    h.wait_stored(url, len(sids) * len(check.KINDS), timeout=30)
    total, records = h.stored(url)
    tally = check.log_tally(total, records, sids)
    assert (tally.problems, tally.stored, tally.duplicates) == ([], tally.expected, 0)


def calls_logged_without_a_word(env: dict[str, str], tmp_path: Path, url: str, tag: str) -> None:
    """Serve the hotline, play calls, and check the log holds them, and gunicorn's log no
    call log trouble."""
    hotline = h.Hotline(env, tmp_path / "gunicorn.log")
    try:
        hotline.wait_until_up()
        assert_logged_once_in_order(url, calls_answered(hotline.base, tag))
    finally:
        hotline.stop()
    assert "call log:" not in hotline.text()


@pytest.mark.postgres
def test_an_empty_postgresql_database_gets_its_tables_from_the_release_step(
        empty_postgres: str, tmp_path: Path) -> None:
    env = h.environment(tmp_path, empty_postgres)
    done = h.release(env)
    assert (done.returncode, done.stdout) == (
        0, f"Database upgraded from empty to revision {HEAD}.\n"), done.stderr
    calls_logged_without_a_word(env, tmp_path, empty_postgres, "aa")


@pytest.mark.postgres
@pytest.mark.parametrize("left_at", [None, "0004"], ids=["empty", "behind"])
def test_without_the_release_step_calls_are_answered_and_their_events_wait(
        empty_postgres: str, tmp_path: Path, left_at: str | None) -> None:
    if left_at:  # an older deploy migrated it this far
        database.upgrade(engine := database.create_engine(empty_postgres), left_at)
        engine.dispose()
    env = h.environment(tmp_path, empty_postgres)
    hotline = h.Hotline(env, tmp_path / "gunicorn.log")
    try:
        hotline.wait_until_up()
        sids = calls_answered(hotline.base, "bb")
        h.wait_stored(empty_postgres, 1, timeout=3)  # time for a writer to (wrongly) write
        assert h.count_events(empty_postgres) == 0
        done = h.release(env)  # the operator runs what the log said
        assert (done.returncode, done.stdout) == (
            0, f"Database upgraded from {left_at or 'empty'} to revision {HEAD}.\n")
        assert_logged_once_in_order(empty_postgres, sids)
        more = calls_answered(hotline.base, "cc")
        assert_logged_once_in_order(empty_postgres, sids + more)
    finally:
        hotline.stop()
    schema = f"at revision {left_at}" if left_at else "empty"
    said = (f"call log: the database schema is {schema}, this code needs revision {HEAD}: run "
            "`flask --app ivr db upgrade` (the Procfile's release step). Call events are kept "
            "in the spool and written once the schema is there.")
    lines = h.said(hotline.text())
    told = [line for line in lines if line.message == said]
    # once per worker process (two here), whatever the number of events or retries
    assert 1 <= len(told) <= 2, [line for line in lines if "call log" in line.message]
    assert {line.level for line in told} == {"ERROR"}
    back = [line for line in lines if line.message.startswith("call log: database back, ")]
    assert {line.level for line in back} <= {"INFO"}
    assert {line.pid for line in back} <= {line.pid for line in told}  # once it was fixed
    assert [line for line in lines if "call log" in line.message
            and line not in told and line not in back] == []
    assert "Traceback" not in hotline.text()
    assert h.CALLER.removeprefix("+") not in hotline.text()


@pytest.mark.parametrize("with_release", [True, False], ids=["release", "no-release"])
def test_an_empty_sqlite_file_logs_calls_with_or_without_the_release_step(
        tmp_path: Path, with_release: bool) -> None:
    """A local SQLite log is created by the web process itself when it starts."""
    url = f"sqlite:///{tmp_path / 'calls.sqlite3'}"
    env = h.environment(tmp_path, url)
    if with_release:
        done = h.release(env)
        assert done.returncode == 0 and done.stdout.endswith(f"revision {HEAD}.\n"), done
    calls_logged_without_a_word(env, tmp_path, url, "dd")
