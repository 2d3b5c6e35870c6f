"""What the call log costs per call: the drain's write of a batch, and ``CallLog.record``.

Run: .venv/bin/python bench/calllogbench.py [--db sqlite,postgresql] [--seconds 3]
     [--profile CASE]

Drain: spool lines (redacted, encoded as ``CallLog.record`` writes them) are
decoded and stored in one transaction per batch, as the drain thread does
(``spool.decode_lines`` and ``store.write_events`` in ``engine.begin()``), on a
SQLite file (WAL, ``database.create_engine``) or a PostgreSQL schema of its
own (dropped after). Batches: 300 new calls of 1 event (a busy second of
first webhooks), 60 new calls of 5 events, 40 new calls of 2 events (what
a worker gathers in a quarter of a second under ``bench/profile.py``'s load
of menu choices, each a call of its own), 300 known calls of 2 events (a
later webhook of calls already stored: folded into their rows). Record: the
events of an incoming call (a caller number to redact) and of a menu choice,
through the real ``CallLog.record`` into a spool file, its drain thread not
started. Each case repeats for about ``--seconds``, after a warm-up; the
median over the repetitions and the least (the one other work on the machine
disturbed least) are printed in microseconds of this process's CPU per call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its profile.py would hide the stdlib's (cProfile's)

import cProfile  # noqa: E402
import pstats  # noqa: E402

from bench.loadbench.calllog import fresh_database  # noqa: E402
from ivr.call.events import CallEvent, Kind  # noqa: E402
from ivr.calllog import spool, store, writer  # noqa: E402
from ivr.calllog.privacy import CallerPrivacy  # noqa: E402
from ivr.db import database  # noqa: E402

PRIVACY = CallerPrivacy.from_settings("bench-hash-key", keep_numbers=False)
_SIDS = count()


def incoming(sid: str, at: datetime) -> list[CallEvent]:
    return [CallEvent(f"{sid}a:0", sid, "main", at, 0, Kind.CALL_STARTED,
                      {"caller": "+819012345678", "to": "+815017654321", "hotline": "main"}),
            CallEvent(f"{sid}a:1", sid, "main", at, 1, Kind.MENU_ENTERED, {"menu": "language"})]


def menu_choice(sid: str, at: datetime) -> list[CallEvent]:
    return [CallEvent(f"{sid}c:0", sid, "main", at, 0, Kind.KEY_PRESSED,
                      {"menu": "main", "digit": "3"}),
            CallEvent(f"{sid}c:1", sid, "main", at, 1, Kind.MENU_ENTERED, {"menu": "legal"})]


def five(sid: str, at: datetime) -> list[CallEvent]:
    later = at + timedelta(seconds=4)
    return [*incoming(sid, at),
            CallEvent(f"{sid}b:0", sid, "main", later, 0, Kind.KEY_PRESSED,
                      {"menu": "language", "digit": "1"}),
            CallEvent(f"{sid}b:1", sid, "main", later, 1, Kind.LANGUAGE_CHOSEN,
                      {"language": "en"}),
            CallEvent(f"{sid}b:2", sid, "main", later, 2, Kind.MENU_ENTERED, {"menu": "main"})]


def lines_of(events: list[CallEvent]) -> list[bytes]:
    return [spool.encode(PRIVACY.redact(event)) for event in events]


def new_sid() -> str:
    return f"CA{os.getpid():08x}{next(_SIDS):024x}"


class Case:
    """A batch shape: ``prepare`` returns (calls, spool lines) of a fresh batch."""

    def __init__(self, name: str, calls: int, per_call: int, known: bool) -> None:
        self.name, self.calls, self.per_call, self.known = name, calls, per_call, known

    def prepare(self, engine) -> list[bytes]:
        at = datetime.now(UTC).replace(microsecond=0)
        sids = [new_sid() for _ in range(self.calls)]
        if self.known:  # the calls' first webhook is stored already
            with engine.begin() as connection:
                store.write_events(connection, [PRIVACY.redact(e) for sid in sids
                                                for e in incoming(sid, at)])
            return lines_of([e for sid in sids
                             for e in menu_choice(sid, at + timedelta(seconds=5))])
        make = {1: lambda sid, at: menu_choice(sid, at)[:1], 2: menu_choice, 5: five}
        return lines_of([e for sid in sids for e in make[self.per_call](sid, at)])


CASES = [Case("300 new calls x 1 event", 300, 1, False),
         Case("60 new calls x 5 events", 60, 5, False),
         Case("40 new calls x 2 events", 40, 2, False),
         Case("300 known calls x 2 events", 300, 2, True)]


def drain_batch(engine, lines: list[bytes]) -> int:
    """What ``Drain._store`` does with a batch of spool lines."""
    events = spool.decode_lines(lines)
    with engine.begin() as connection:
        return store.write_events(connection, events)


def time_drain(engine, case: Case, seconds: float) -> tuple[float, int]:
    for _ in range(3):  # warm-up: connections, compiled statements
        drain_batch(engine, case.prepare(engine))
    times: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end or len(times) < 3:
        lines = case.prepare(engine)
        started = time.process_time()
        stored = drain_batch(engine, lines)
        times.append(time.process_time() - started)
        assert stored == len(lines), (stored, len(lines))
    return statistics.median(times) * 1e6 / case.calls, min(times) * 1e6 / case.calls, len(times)


def record_log(folder: Path) -> writer.CallLog:
    """A CallLog whose record appends to a spool file; its drain thread never runs."""
    log = writer.CallLog("sqlite://", folder / "spool", PRIVACY)
    drain = log._current()
    drain._thread = threading.Thread(target=lambda: None)  # ended at once: nothing drains
    drain._thread.start()
    return log


def time_record(log: writer.CallLog, make, seconds: float) -> tuple[float, int]:
    at = datetime.now(UTC)
    per_round = 500
    times: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end or len(times) < 3:
        batches = [make(new_sid(), at) for _ in range(per_round)]
        started = time.process_time()
        for events in batches:
            log.record(events)
        times.append(time.process_time() - started)
        log._current()._spool.commit(1 << 62)  # keep the spool file small
    return (statistics.median(times[1:]) * 1e6 / per_round, min(times[1:]) * 1e6 / per_round,
            len(times))


def profile(engine, case: Case, sort: str = "cumulative") -> None:
    for _ in range(3):
        drain_batch(engine, case.prepare(engine))
    batches = [case.prepare(engine) for _ in range(20)]
    profiler = cProfile.Profile()
    profiler.enable()
    for lines in batches:
        drain_batch(engine, lines)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=3.0, help="per case")
    parser.add_argument("--profile", type=int, metavar="CASE", choices=range(len(CASES)),
                        help="cProfile 20 batches of case CASE (0 to 3) instead")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} cores; CPU time (process_time) per call: median (least)")
    with tempfile.TemporaryDirectory(prefix="ivr-calllogbench-") as name:
        folder = Path(name)
        if args.profile is None:
            log = record_log(folder)
            try:
                for label, make in (("incoming call (2 events, a caller)", incoming),
                                    ("menu choice (2 events)", menu_choice)):
                    median, least, runs = time_record(log, make, args.seconds)
                    print(f"record   {label:38s} {median:7.1f} ({least:5.1f}) us/call "
                          f"({runs} rounds)", flush=True)
            finally:
                log.close()
        for kind in args.db.split(","):
            with fresh_database(kind, folder) as url:
                engine = database.create_engine(url)
                try:
                    if args.profile is not None:
                        profile(engine, CASES[args.profile])
                        continue
                    for case in CASES:
                        median, least, runs = time_drain(engine, case, args.seconds)
                        print(f"drain    {kind:10s} {case.name:27s} {median:7.1f} ({least:5.1f}) "
                              f"us/call ({runs} batches)", flush=True)
                finally:
                    engine.dispose()


if __name__ == "__main__":
    main()
