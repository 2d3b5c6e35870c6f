"""The never-blocking writer: spool first, drain in order, survive outages, forks and crashes."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa

from ivr.calllog import spool, store
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.schema import call_events
from ivr.calllog.writer import CallLog
from ivr.db import database

from .calllog_support import KEY

NUMBER_DIGITS = "9012345678"  # of the scripts' caller, +81 90-1234-5678


def stored(url: str, call_sid: str) -> tuple[list[str], store.Call | None]:
    """Return the uids of a call's stored events, in order, and its call record."""
    engine = database.create_engine(url)
    try:
        with engine.connect() as connection:
            call = store.get_call(connection, call_sid)
            events = store.events_of(connection, call.id) if call else []
    finally:
        engine.dispose()
    return [e.uid for e in events], call


def spooled(spool_dir: Path) -> list[bytes]:
    return [line for path in sorted(spool_dir.glob("*.jsonl"))
            for line in path.read_bytes().splitlines()]


def test_recorded_events_are_stored(make_log, database_url, engine, script, spool_dir) -> None:
    log = make_log()
    call = script("CA1").started().connected()
    log.record(call.events[:3])
    log.record(call.events[3:])
    log.record([])
    assert log.flush(10)
    uids, record = stored(database_url, "CA1")
    assert uids == [e.uid for e in call.events]
    assert (record.outcome, record.caller_masked, record.caller_number) == (
        "connected", "+81 90-****-**78", None)
    log.close()
    assert list(spool_dir.iterdir()) == []
    assert [t for t in threading.enumerate() if t.name == "calllog-drain"] == []


def test_the_events_of_a_burst_share_one_transaction(make_log, database_url, engine,
                                                     script) -> None:
    """Webhooks' events wait a moment for the next ones: one commit per burst, not per
    webhook (a commit per webhook cost a SQLite fsync and the drain thread's CPU each)."""
    log = make_log(gather_seconds=5.0)
    commits: list[int] = []
    sa.event.listen(log.engine, "commit", lambda connection: commits.append(1))
    call = script("CA1").started().connected()
    for event in call.events:  # webhooks of many calls, a few ms apart
        log.record([event])
        time.sleep(0.02)
    deadline = time.monotonic() + 30
    while stored(database_url, "CA1")[0] != [e.uid for e in call.events]:
        assert time.monotonic() < deadline, "the events were not stored"
        time.sleep(0.05)
    assert len(commits) == 1


def test_a_flush_does_not_wait_for_the_burst(make_log, database_url, engine, script) -> None:
    log = make_log(gather_seconds=60.0)
    call = script("CA1").started()
    log.record(call.events)
    assert log.flush(10)  # well before the 60 s a webhook's events would wait
    assert stored(database_url, "CA1")[0] == [e.uid for e in call.events]


def test_full_numbers_are_stored_only_when_turned_on(make_log, database_url, engine,
                                                     script) -> None:
    log = make_log(keep_numbers=True)
    log.record(script("CA1").started("+81 90-1234-5678").events)
    assert log.flush(10)
    assert stored(database_url, "CA1")[1].caller_number == "+819012345678"


@pytest.mark.parametrize("keep_numbers", [False, True])
def test_the_spool_holds_no_full_number_unless_turned_on(tmp_path, script, keep_numbers) -> None:
    spool_dir = tmp_path / "spool"
    log = CallLog(f"sqlite:///{tmp_path}", spool_dir,  # a database that cannot be opened
                  CallerPrivacy.from_settings(KEY, keep_numbers), retry_delays=(0.05, 0.1))
    try:
        log.record(script("CA1").started().events)
        assert not log.flush(0.3)
        kept = b"".join(spooled(spool_dir))
    finally:
        log.close(timeout=1)
    assert b"+81 90-****-**78" in kept
    assert (NUMBER_DIGITS.encode() in kept) is keep_numbers
    assert len(spooled(spool_dir)) == 1  # closing leaves what it could not store


def test_a_database_outage_in_the_middle_of_a_call(outage, make_log, script, spool_dir,
                                                   caplog) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    log = make_log(outage.url)
    call = script("CA1").started().connected()
    status = call.status("completed", "95")
    first, second = call.events[:4], call.events[4:]
    log.record(first)
    assert log.flush(10)

    outage.block()
    began = time.perf_counter()
    for event in second:  # one webhook request each
        log.record([event])
    log.record([status])  # Twilio sends the status callback again
    assert time.perf_counter() - began < 0.5  # appended to the spool, no database wait
    assert not log.flush(1.0)
    assert len(spooled(spool_dir)) == len(second) + 1

    outage.unblock()
    assert log.flush(10)
    uids, record = stored(outage.url, "CA1")
    assert uids == [e.uid for e in call.events]
    assert (record.outcome, record.status, record.duration, record.event_count) == (
        "connected", "completed", 95, 11)
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("call log: cannot write to the database (OperationalError: ")
               for m in messages)
    assert messages.count("call log: database back, 7 kept events stored") == 1
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # SQL was logged
    assert [m for m in messages if NUMBER_DIGITS in m or "12345678" in m] == []


def test_orphaned_spools_are_drained_and_live_ones_left_alone(make_log, database_url, engine,
                                                              script, spool_dir,
                                                              caplog) -> None:
    privacy = CallerPrivacy.from_settings(KEY, False)
    dead, alive = script("CA-dead").started().connected(), script("CA-alive").started()
    spool_dir.mkdir()
    orphan = spool_dir / "gone-4242-0000.jsonl"
    lines = [spool.encode(privacy.redact(e)) for e in dead.events]
    orphan.write_bytes(b"".join(lines[:2]) + b"not json\n" + b"".join(lines[2:]) + b'{"uid": ')
    live = spool_dir / "busy-4343-1111.jsonl"
    live.write_bytes(b"".join(spool.encode(privacy.redact(e)) for e in alive.events))
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as its living process does
        assert make_log().flush(10)
        assert live.exists()
    assert not orphan.exists()
    assert stored(database_url, "CA-dead")[0] == [e.uid for e in dead.events]
    assert stored(database_url, "CA-alive") == ([], None)
    assert "call log: skipped a damaged spool line (8 bytes)" in caplog.messages


def test_events_the_database_refuses_are_set_aside(make_log, database_url, engine, script,
                                                   spool_dir, monkeypatch, caplog) -> None:
    write_events = store.write_events

    def refusing(connection, events):
        if any(e.call_sid == "CA-bad" for e in events):
            raise ValueError("bad data")
        return write_events(connection, events)

    monkeypatch.setattr(store, "write_events", refusing)
    log = make_log()
    good, bad = script("CA-good").started(), script("CA-bad").started()
    log.record([*bad.events, *good.events])
    assert log.flush(10)
    assert stored(database_url, "CA-good")[0] == [good.events[0].uid]
    assert stored(database_url, "CA-bad") == ([], None)
    kept = (spool_dir / "rejected-events.txt").read_bytes().splitlines()
    assert [spool.decode(line).uid for line in kept] == [bad.events[0].uid]
    assert ("call log: 1 events could not be stored (ValueError: bad data), set aside in "
            "rejected-events.txt") in caplog.messages


def test_record_never_raises(make_log, tmp_path, script, caplog) -> None:
    (tmp_path / "file").write_text("not a folder")
    log = CallLog(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "file" / "spool",
                  CallerPrivacy.from_settings(KEY, False))
    try:
        log.record(script("CA1").started().events)
    finally:
        log.close()
    assert caplog.messages == ["call log: 1 event(s) lost (NotADirectoryError)"]


def test_a_forked_worker_writes_through_its_own_spool(make_log, database_url, engine,
                                                      script, spool_dir) -> None:
    """gunicorn --preload: the app (and its writer) is made before the workers fork."""
    log = make_log()
    parent = script("CA-parent").started()
    log.record(parent.events)
    assert log.flush(10)
    child = script("CA-child").started().connected()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads, 3.12+
        pid = os.fork()
    if pid == 0:  # the worker
        code = 1
        try:
            log.record(child.events)
            code = 0 if log.flush(10) else 2
            log.close()
        finally:
            os._exit(code)
    assert os.waitpid(pid, 0)[1] == 0
    later = script("CA-later").started()
    log.record(later.events)
    assert log.flush(10)
    for call in (parent, child, later):
        assert stored(database_url, call.call_sid)[0] == [e.uid for e in call.events]
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(call_events)) \
            .scalar_one() == 12


@pytest.mark.parametrize("keep_numbers", [False, True])
def test_no_caller_number_in_the_logs_at_debug(make_log, database_url, engine, script, caplog,
                                               keep_numbers) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    log = make_log(keep_numbers=keep_numbers)
    call = script("CA1").started("+81 90-1234-5678").connected()
    log.record(call.events)
    assert log.flush(10)
    uids, record = stored(database_url, "CA1")  # reads the number back when it is kept
    assert (record.caller_number, len(uids)) == ("+819012345678" if keep_numbers else None, 10)
    engine_lines = [r for r in caplog.records if r.name == "sqlalchemy.engine.Engine.calllog"]
    assert any("INSERT INTO call_events" in r.getMessage() for r in engine_lines)
    texts = [r.getMessage() for r in caplog.records]
    assert [t for t in texts if NUMBER_DIGITS in t or "1234-5678" in t or "12345678" in t] == []
