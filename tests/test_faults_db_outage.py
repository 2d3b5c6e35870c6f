"""The database goes away in the middle of calls and comes back: callers never notice, no
event is lost or stored twice.

Real processes: gunicorn as the Procfile runs it, on loopback, with three
callers playing signed calls before, during and after the fault. Every
webhook must answer exactly what a call on a healthy database hears (byte
for byte; the client gives up after 5 s, a third of Twilio's wait), and
afterwards the log must hold every call's twelve events once, in order. The
faults: a SQLite file locked by another connection, or made unwritable;
PostgreSQL behind a proxy that stops (connections refused, open ones cut),
or with the app's connections terminated over and over. Longer variants,
with figures: ``bench/faults.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.faultsbench import hotline as h
from bench.faultsbench import outage
from bench.faultsbench.proxy import Proxy

pytestmark = pytest.mark.e2e
SECONDS = 3.0  # how long each fault lasts (a locked SQLite file: past the 5 s busy timeout)
OUTAGE = "call log: cannot write to the database ("


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[Callable[[str], h.Hotline]]:
    """Start the hotline on a database URL; stop it at the end."""
    started: list[h.Hotline] = []

    def start(url: str) -> h.Hotline:
        env = h.environment(tmp_path, url)
        hotline = h.Hotline(env, tmp_path / "gunicorn.log")
        started.append(hotline)
        hotline.wait_until_up()
        return hotline

    yield start
    for hotline in started:
        hotline.stop()


def assert_survived(result: outage.Outcome, workers: int = 2, *, said_at_least: int = 1) -> None:
    assert result.answer_problems == []
    assert result.calls_during >= 3  # callers kept calling while the database was away
    tally = result.tally
    assert (tally.problems, tally.stored, tally.duplicates) == ([], tally.expected, 0)
    lines = h.said(result.log)
    said = [line for line in lines if line.message.startswith(OUTAGE)]
    assert said_at_least <= len(said) <= workers, said  # once per worker that met it
    assert {line.level for line in said} <= {"WARNING"}
    back = [line for line in lines if line.message.startswith("call log: database back, ")]
    assert {line.level for line in back} <= {"INFO"}
    assert {line.pid for line in back} <= {line.pid for line in said}  # only after trouble
    assert "Traceback" not in result.log
    assert h.CALLER.removeprefix("+") not in result.log  # never a caller's number in the log
    assert [line for line in lines if "call log" in line.message
            and line not in said and line not in back] == []


def test_a_sqlite_file_locked_in_the_middle_of_calls(tmp_path: Path, serving) -> None:
    path = tmp_path / "calls.sqlite3"
    hotline = serving(f"sqlite:///{path}")
    result = outage.through(hotline, f"sqlite:///{path}", outage.sqlite_lock(path),
                            SECONDS + 5)
    assert_survived(result)
    assert "database is locked" in result.log


def test_a_sqlite_file_made_unwritable_in_the_middle_of_calls(tmp_path: Path, serving) -> None:
    path = tmp_path / "calls.sqlite3"
    hotline = serving(f"sqlite:///{path}")
    fault = outage.sqlite_unwritable(path)
    result = outage.through(hotline, f"sqlite:///{path}", fault, SECONDS)
    if fault.how != "chattr +i":  # chmod binds no open file: nothing fails, nothing is lost
        assert result.answer_problems == [] and result.tally.problems == []
        pytest.skip(f"made unwritable by {fault.how}, which open files ignore: no outage")
    assert_survived(result)


@pytest.fixture
def postgres(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    """A migrated PostgreSQL database of the test's own."""
    with outage.postgres_database(postgres_url) as url:
        assert h.release(h.environment(tmp_path / "release", url)).returncode == 0
        yield url


@pytest.mark.postgres
def test_postgresql_refusing_and_cutting_connections(postgres: str, serving) -> None:
    target = make_url(postgres)
    proxy = Proxy((target.host, target.port or 5432))
    proxy.start()
    try:
        hotline = serving(outage.via(postgres, proxy, f"ivr-faults-{uuid.uuid4().hex[:8]}"))
        result = outage.through(hotline, postgres, outage.postgres_refused(proxy), SECONDS)
    finally:
        proxy.stop()
    assert_survived(result)


@pytest.mark.postgres
def test_postgresql_terminating_the_apps_connections(postgres_url: str, postgres: str,
                                                     serving) -> None:
    name = f"ivr-faults-{uuid.uuid4().hex[:8]}"
    hotline = serving(outage.via(postgres, None, name))
    fault = outage.postgres_killed(postgres_url, name)
    result = outage.through(hotline, postgres, fault, SECONDS)
    assert fault.killed >= 2
    # a writer may get in between the kills every time, and then has nothing to say
    assert_survived(result, said_at_least=0)
