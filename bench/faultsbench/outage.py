"""Database faults in the middle of calls, and what they did to callers and to the log.

``through`` plays a reference call on a healthy hotline, then keeps a few
callers busy while a ``Fault`` begins, lasts and ends, lets them play on a
moment, and waits for the log to hold every event. Its ``Outcome`` has what
the tests assert and ``bench/faults.py`` prints: answers that differ from the
reference, events expected, stored and repeated, calls that are wrong in the
log, the slowest webhook during the fault and the time from the fault's end
until the log was complete.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.faultsbench import check
from bench.faultsbench.hotline import Callers, Hotline, Played, count_events, play, stored
from bench.faultsbench.proxy import Proxy


@dataclass
class Fault:
    """What makes the database unavailable, what brings it back, what repeats meanwhile."""

    name: str
    begin: Callable[[], object]
    end: Callable[[], object]
    again: Callable[[], object] | None = None  # every 0.2 s while it lasts
    how: str = ""  # how it was made, when there are several ways
    killed: int = 0  # connections terminated


@dataclass
class Outcome:
    calls: int
    calls_during: int
    answer_problems: list[str]
    tally: check.Tally
    slowest_during: float  # seconds, the slowest webhook that began during the fault
    drain_seconds: float  # from the fault's end until every event was stored
    log: str = field(repr=False)


def through(hotline: Hotline, url: str, fault: Fault, seconds: float, *, clients: int = 3,
            after: float = 1.0, drain_timeout: float = 60.0, tag: int = 1) -> Outcome:
    """Play calls before, during and after ``fault`` lasting ``seconds``; count what reached
    ``url`` (read directly, not through any proxy of the fault)."""
    reference = play(hotline.base, f"CA{tag:08x}" + "f" * 24)
    problems = check.reference_problems(reference)
    callers = Callers(hotline.base, clients, tag)
    _wait_for(lambda: callers.count() >= clients)
    began = time.monotonic()
    fault.begin()
    try:
        while time.monotonic() - began < seconds:
            if fault.again:
                fault.again()
            time.sleep(0.2)
    finally:
        fault.end()
    ended = time.monotonic()
    time.sleep(after)
    played = callers.stop()
    calls = [reference, *played]
    expected = len(calls) * len(check.KINDS)
    deadline = ended + after + drain_timeout
    while count_events(url) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    drained = time.monotonic() - ended
    time.sleep(0.5)  # anything written twice would show now
    total, records = stored(url)
    during = [step.seconds for call in played for step in call.steps
              if began <= step.began <= ended]
    return Outcome(
        calls=len(calls), calls_during=len(_during(played, began, ended)),
        answer_problems=problems + check.answer_problems(played, reference),
        tally=check.log_tally(total, records, [call.sid for call in calls]),
        slowest_during=max(during, default=0.0), drain_seconds=drained, log=hotline.text())


def sqlite_lock(path: Path) -> Fault:
    """Another connection holds an exclusive transaction on the SQLite file."""
    locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def end() -> None:
        locker.execute("ROLLBACK")
        locker.close()

    return Fault("SQLite locked (BEGIN EXCLUSIVE)", lambda: locker.execute("BEGIN EXCLUSIVE"),
                 end)


def sqlite_unwritable(path: Path) -> Fault:
    """The SQLite file and its WAL made unwritable: ``chattr +i``, which binds root and open
    files too; where it cannot be set, ``chmod a-w``, which open files ignore (``how`` says
    which). The ``-shm`` file is left alone: SQLite maps it, and writing to a mapped
    immutable file kills the process (SIGBUS)."""
    files = [str(path), f"{path}-wal"]
    fault = Fault("SQLite file and WAL unwritable", lambda: None, lambda: None)

    def begin() -> None:
        if _chattr("+i", files):
            fault.how = "chattr +i"
        else:
            fault.how = "chmod a-w"
            for name in files:
                os.chmod(name, 0o444)

    def end() -> None:
        if fault.how == "chattr +i":
            _chattr("-i", files)
        else:
            for name in files:
                os.chmod(name, 0o644)

    fault.begin, fault.end = begin, end
    return fault


def postgres_refused(proxy: Proxy) -> Fault:
    """The proxy in front of PostgreSQL stops: connections refused, open ones cut."""
    return Fault("PostgreSQL refused and cut (the proxy stopped)", proxy.stop, proxy.start)


def postgres_killed(server: str, application_name: str) -> Fault:
    """The app's connections terminated on the server, again every 0.2 s while it lasts
    (each try of the writer may get in between, and be cut in the middle of a batch)."""
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    query = sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()")

    def kill() -> None:
        with engine.connect() as connection:
            fault.killed += connection.execute(query, {"name": application_name}).scalar_one()

    fault = Fault("PostgreSQL connections of the app terminated (pg_terminate_backend)", kill,
                  lambda: engine.dispose(), again=kill)
    return fault


@contextlib.contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """Yield the URL of a new, empty PostgreSQL database on ``server``; drop it afterwards."""
    name = f"faultsdb_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        engine.dispose()


def via(url: str, proxy: Proxy | None, application_name: str) -> str:
    """``url`` reached through ``proxy`` (when given), its connections named."""
    parsed = make_url(url)
    if proxy is not None:
        parsed = parsed.set(host="127.0.0.1", port=proxy.port)
    return parsed.update_query_dict({"application_name": application_name}) \
        .render_as_string(hide_password=False)


def _chattr(flag: str, files: list[str]) -> bool:
    with contextlib.suppress(OSError):
        return subprocess.run(["chattr", flag, *files], capture_output=True,
                              check=False).returncode == 0
    return False


def _during(played: list[Played], began: float, ended: float) -> list[Played]:
    return [call for call in played
            if any(began <= step.began <= ended for step in call.steps)]


def _wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the callers did not get going")
        time.sleep(0.05)
