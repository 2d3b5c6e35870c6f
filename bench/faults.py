"""Database faults in the middle of calls, for longer than the tests dare: figures.

Run: .venv/bin/python bench/faults.py [--seconds 30] [--clients 3]
     [--only none,lock,unwritable,refused,killed,schema]

Each fault gets a hotline of its own, served by gunicorn exactly as the
Procfile's ``web:`` line runs it (``gunicorn.conf.py``'s workers and threads,
signatures checked, the fixture menus), on loopback, with a fresh database: a SQLite file
in a temporary folder, or a new database on the local PostgreSQL server
(``IVR_TEST_POSTGRES_URL``, default postgres@127.0.0.1:5432), migrated by the
Procfile's ``release:`` line and dropped after. A reference call is played on
the healthy database, then ``--clients`` callers play calls back to back
(English, the police line, answered, hung up: five webhooks, twelve events)
while the fault lasts ``--seconds``, and a second more after it ends:

- ``none``: no fault at all, on SQLite: the figures to compare with;
- ``lock``: another connection holds ``BEGIN EXCLUSIVE`` on the SQLite file;
- ``unwritable``: the SQLite file and its WAL get ``chattr +i`` (or
  ``chmod a-w`` where that cannot be set, which open files ignore);
- ``refused``: PostgreSQL is reached through a TCP proxy, which stops:
  connections refused, open ones cut;
- ``killed``: the app's PostgreSQL connections are terminated
  (``pg_terminate_backend``) every 0.2 s;
- ``schema``: the PostgreSQL database starts empty (the release step was
  forgotten) and the release step runs when the fault ends.

It prints per fault: calls played (during the fault), webhooks whose answer
differed from the reference call's or failed, events expected, stored and
stored twice, calls wrong in the log (missing, events missing or out of
order), the slowest webhook that began during the fault, the time from the
fault's end until every event was stored, and the call log's lines in the
server's log. Everything it starts is stopped at the end. Exit status 1 when
a caller or an event was let down.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faultsbench import hotline as h
from bench.faultsbench import outage
from bench.faultsbench.proxy import Proxy
from ivr.config import database_url

SERVER = database_url(os.environ.get("IVR_TEST_POSTGRES_URL",
                                     "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
FAULTS = ["none", "lock", "unwritable", "refused", "killed", "schema"]


@contextmanager
def setting(kind: str, folder: Path) -> Iterator[tuple[str, str, outage.Fault]]:
    """Yield the app's database URL, the URL to count through, and the fault."""
    with ExitStack() as stack:
        if kind in ("none", "lock", "unwritable"):
            path = folder / "calls.sqlite3"
            url = f"sqlite:///{path}"
            h.release(h.environment(folder, url))
            fault = (outage.Fault("no fault, SQLite (the comparison)", lambda: None, lambda: None)
                     if kind == "none" else outage.sqlite_lock(path) if kind == "lock"
                     else outage.sqlite_unwritable(path))
            yield url, url, fault
            return
        url = stack.enter_context(outage.postgres_database(SERVER))
        name = f"ivr-faults-{uuid.uuid4().hex[:8]}"
        if kind == "schema":
            env = h.environment(folder / "release", url)
            yield outage.via(url, None, name), url, outage.Fault(
                "PostgreSQL empty, the release step run when the fault ends",
                lambda: None, lambda: _released(env))
            return
        done = h.release(h.environment(folder / "release", url))
        if done.returncode:
            raise SystemExit(f"release step failed: {done.stderr}")
        if kind == "killed":
            yield outage.via(url, None, name), url, outage.postgres_killed(SERVER, name)
            return
        target = make_url(url)
        proxy = Proxy((target.host or "127.0.0.1", target.port or 5432))
        proxy.start()
        stack.callback(proxy.stop)
        yield outage.via(url, proxy, name), url, outage.postgres_refused(proxy)


def _released(env: dict[str, str]) -> None:
    done = h.release(env)
    print(f"  release step: {done.stdout.strip() or done.stderr.strip()}")


def run(kind: str, seconds: float, clients: int, tag: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="ivr-faults-"))
    try:
        with setting(kind, folder) as (app_url, count_url, fault):
            env = h.environment(folder, app_url, workers=None)  # the Procfile's sizing
            hotline = h.Hotline(env, folder / "gunicorn.log")
            try:
                hotline.wait_until_up()
                result = outage.through(hotline, count_url, fault, seconds, clients=clients,
                                        drain_timeout=120, tag=tag)
            finally:
                hotline.stop()
        report(kind, fault, seconds, result)
        return not result.answer_problems and not result.tally.problems \
            and result.tally.stored == result.tally.expected
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(kind: str, fault: outage.Fault, seconds: float, result: outage.Outcome) -> None:
    tally = result.tally
    how = f" ({fault.how})" if fault.how else ""
    killed = f", {fault.killed} connections terminated" if fault.killed else ""
    print(f"{kind}: {fault.name}{how}, {seconds:g} s{killed}")
    print(f"  calls played: {result.calls} ({result.calls_during} during the fault), "
          f"{result.calls * 5} webhooks; answers differing or failed: "
          f"{len(result.answer_problems)}")
    print(f"  events expected {tally.expected}, stored {tally.stored}, stored twice "
          f"{tally.duplicates}; calls wrong in the log: {len(tally.problems)}")
    print(f"  slowest webhook during the fault: {result.slowest_during * 1000:.0f} ms; "
          f"log complete {result.drain_seconds:.1f} s after the fault ended")
    said = [line for line in h.said(result.log) if line.message.startswith("call log")]
    print(f"  call log lines in the server's log: {len(said)}")
    for line in dict.fromkeys(said):
        print(f"    {said.count(line)} x {line[:160]}")
    for problem in (result.answer_problems + tally.problems)[:5]:
        print(f"  ! {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="how long each fault lasts")
    parser.add_argument("--clients", type=int, default=3, help="callers calling at once")
    parser.add_argument("--only", default=",".join(FAULTS),
                        help=f"faults to run, of {','.join(FAULTS)}")
    args = parser.parse_args(argv)
    kinds = [kind for kind in args.only.split(",") if kind]
    unknown = set(kinds) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; gunicorn as the "
          f"Procfile runs it; {args.clients} callers")
    good = [run(kind, args.seconds, args.clients, tag) for tag, kind in enumerate(kinds, 1)]
    return 0 if all(good) else 1


if __name__ == "__main__":
    sys.exit(main())

