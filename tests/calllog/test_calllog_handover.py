"""A stopping worker hands its unwritten events over at once; an idle one takes them up.

gunicorn recycles a worker after ``max_requests``: until it has exited, its
successor is not started, so it must not wait for a slow or locked database.
Its events are already in its spool file; releasing the file's lock is the
hand-over, and any other process's drain stores them as an orphan.
"""

from __future__ import annotations

import fcntl
import sqlite3
import time
from pathlib import Path

from ivr.calllog import spool
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.writer import CallLog
from ivr.db import database

from .calllog_support import KEY
from .test_calllog_writer import stored

PRIVACY = CallerPrivacy.from_settings(KEY, False)


def wait_until(check, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_closing_releases_the_spool_while_the_database_is_locked(tmp_path: Path,
                                                                  script) -> None:
    url, spool_dir = f"sqlite:///{tmp_path / 'calls.sqlite3'}", tmp_path / "spool"
    engine = database.create_engine(url)
    database.upgrade(engine)
    engine.dispose()
    call = script("CA1").started().connected()
    leaving = CallLog(url, spool_dir, PRIVACY, busy_timeout=30)  # would wait long for a lock
    leaving.record(call.events[:4])
    assert leaving.flush(10)
    locker = sqlite3.connect(tmp_path / "calls.sqlite3", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        leaving.record(call.events[4:])  # its drain now waits on the lock
        leaving.close()
        [path] = spool_dir.glob("*.jsonl")
        with open(path, "rb") as file:  # free for another process to drain
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert len(path.read_bytes().splitlines()) == len(call.events[4:])
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    successor = CallLog(url, spool_dir, PRIVACY)
    try:
        assert successor.flush(10)
        assert stored(url, "CA1")[0] == [e.uid for e in call.events]
    finally:
        successor.close()
    assert list(spool_dir.glob("*.jsonl")) == []  # the orphan drained and removed


def test_an_idle_writer_takes_up_a_released_spool_by_itself(make_log, database_url, engine,
                                                            script, spool_dir) -> None:
    log = make_log()
    log.record(script("CA-live").started().events)
    assert log.flush(10)  # running, and idle from now on
    recycled = script("CA-recycled").started().connected()
    (spool_dir / "host-4242-0000.jsonl").write_bytes(
        b"".join(spool.encode(PRIVACY.redact(e)) for e in recycled.events))
    expected = [e.uid for e in recycled.events]
    assert wait_until(lambda: stored(database_url, "CA-recycled")[0] == expected)
    assert wait_until(lambda: not (spool_dir / "host-4242-0000.jsonl").exists())


def test_a_stopping_worker_leaves_only_what_is_not_stored(tmp_path, monkeypatch) -> None:
    """Under steady traffic the spool is never empty: stored lines must not pile up in it."""
    monkeypatch.setattr(spool, "COMPACT_BYTES", 100, raising=False)
    own = spool.Spool(tmp_path)
    lines = [b'{"n": %d}\n' % n for n in range(40)]
    own.append(lines[:30])
    read, end = own.read()
    own.append(lines[30:])  # a webhook's events arrive while the drain writes
    own.commit(end)
    assert (read, own.pending()) == ([line.rstrip(b"\n") for line in lines[:30]],
                                     len(b"".join(lines[30:])))
    assert list(spool.orphans(tmp_path, None)) == []  # still locked by its process
    own.close()
    [orphan] = spool.orphans(tmp_path, None)
    assert orphan.lines() == [line.rstrip(b"\n") for line in lines[30:]]
    orphan.remove()
    assert list(tmp_path.iterdir()) == []
