"""Writing and reading the call log, on SQLite and PostgreSQL: idempotent, ordered, consistent."""

from __future__ import annotations

import dataclasses
import random
import threading
from datetime import UTC, date, datetime

import sqlalchemy as sa

from ivr.call.events import Kind
from ivr.calllog import store, tally
from ivr.calllog.privacy import CallerPrivacy, caller_hash
from ivr.calllog.schema import TALLIES, call_events, calls

from .calllog_support import KEY

PRIVACY = CallerPrivacy.from_settings(KEY, keep_numbers=False)


def redacted(events):
    return [PRIVACY.redact(event) for event in events]


def write(engine, events) -> int:
    with engine.begin() as connection:
        return store.write_events(connection, redacted(events))


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def call_row(engine, call_sid: str) -> dict:
    with engine.connect() as connection:
        found = store.get_call(connection, call_sid)
    return {k: v for k, v in dataclasses.asdict(found).items() if k != "id"}


def stored_events(engine, call_sid: str) -> list[tuple[str, int, str]]:
    with engine.connect() as connection:
        call = store.get_call(connection, call_sid)
        return [(e.uid, e.seq, str(e.kind)) for e in store.events_of(connection, call.id)]


def tallies(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {t.name: sorted(tuple(row) for row in connection.execute(
            sa.select(t).where(t.c.calls != 0))) for t in TALLIES}


def test_a_call_and_its_events_are_stored(engine, script) -> None:
    call = script("CA1").started().connected(language="vi", service="houterasu")
    status = call.status("completed", "95")
    assert write(engine, call.events) == 11
    assert call_row(engine, "CA1") == {
        "call_sid": "CA1", "hotline": "main",
        "started_at": datetime(2026, 1, 5, 1, 0, tzinfo=UTC), "ended_at": status.at,
        "duration": 95, "status": "completed", "language": "vi",
        "caller_hash": caller_hash("+819012345678", KEY.encode()),
        "caller_masked": "+81 90-****-**78", "caller_number": None,
        "outcome": "connected", "outcome_menu": None, "service": "houterasu",
        "hit_closed": False, "local_date": date(2026, 1, 5), "local_weekday": 0,
        "local_hour": 10, "event_count": 11,
    }
    assert stored_events(engine, "CA1") == [(e.uid, e.seq, str(e.kind)) for e in call.events]


def test_the_caller_is_stored_redacted(engine, script) -> None:
    write(engine, script("CA1").started().events)
    with engine.connect() as connection:
        data = connection.execute(sa.select(call_events.c.data)).scalar_one()
    assert data == {"to": "+815017654321", "hotline": "main", "caller_masked": "+81 90-****-**78",
                    "caller_hash": caller_hash("+819012345678", KEY.encode())}


def test_the_same_events_twice_are_stored_once(engine, script) -> None:
    call = script("CA1").started().connected()
    call.status()
    assert write(engine, call.events) == 11
    first = call_row(engine, "CA1")
    assert write(engine, call.events) == 0
    assert write(engine, call.events[3:7]) == 0
    assert (count(engine, calls), count(engine, call_events)) == (1, 11)
    assert call_row(engine, "CA1") == first
    assert tallies(engine)["calls_by_outcome"] == [(date(2026, 1, 5), "main", "connected", "", 1)]


def test_a_status_callback_twice_is_one_record(engine, script) -> None:
    call = script("CA1").started()
    call.add(Kind.MENU_ENTERED, menu="language")
    write(engine, call.events)
    status = call.status("completed", "30")
    assert write(engine, [status]) == 1
    assert write(engine, [dataclasses.replace(status, at=status.at.replace(second=59))]) == 0
    assert (count(engine, calls), count(engine, call_events)) == (1, 3)
    row = call_row(engine, "CA1")
    assert (row["status"], row["duration"], row["ended_at"]) == ("completed", 30, status.at)


def test_a_status_callback_before_the_other_events(engine, script) -> None:
    call = script("CA1").started().connected()
    status = call.status("completed", "95")
    write(engine, [status])
    early = call_row(engine, "CA1")
    assert (early["started_at"], early["status"], early["event_count"]) == (status.at,
                                                                            "completed", 1)
    assert (early["outcome"], early["local_hour"]) == ("no_input", 10)
    write(engine, call.events[:-1])
    row = call_row(engine, "CA1")
    assert (row["started_at"], row["ended_at"], row["outcome"], row["event_count"]) == (
        call.events[0].at, status.at, "connected", 11)
    assert stored_events(engine, "CA1")[-1] == (status.uid, 0, "call_status")
    assert tallies(engine)["calls_by_outcome"] == [(date(2026, 1, 5), "main", "connected", "", 1)]


def test_events_are_read_in_time_then_seq_order(engine, script) -> None:
    call = script("CA1").started().connected()
    shuffled = call.events[:]
    random.Random(3).shuffle(shuffled)
    for half in (shuffled[:5], shuffled[5:]):
        write(engine, half)
    assert stored_events(engine, "CA1") == [(e.uid, e.seq, str(e.kind)) for e in call.events]


def test_one_batch_of_several_calls(engine, script) -> None:
    one = script("CA1").started().connected().events
    two = script("CA2").started().events
    assert write(engine, [two[0], *one, *two[1:]]) == 11
    assert [call_row(engine, sid)["event_count"] for sid in ("CA1", "CA2")] == [10, 1]


def test_tallies_follow_a_call_whose_outcome_changes(engine, script) -> None:
    call = script("CA1").started()
    call.add(Kind.MENU_ENTERED, menu="language")
    write(engine, call.events)
    assert tallies(engine) == {
        "calls_by_outcome": [(date(2026, 1, 5), "main", "no_input", "language", 1)],
        "calls_by_hour": [(date(2026, 1, 5), "main", 10, False, 0, 1)],
        "calls_by_choice": [(date(2026, 1, 5), "main", "", "", 1)],
    }
    call.add(Kind.KEY_PRESSED, menu="language", digit="2")
    call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="tl")
    call.add(Kind.SERVICE_CHOSEN, service="iom", menu="main")
    call.add(Kind.CLOSED, seq=1, service="iom", reason="weekend", next_open=None)
    write(engine, call.events)
    assert tallies(engine) == {
        "calls_by_outcome": [(date(2026, 1, 5), "main", "closed", "", 1)],
        "calls_by_hour": [(date(2026, 1, 5), "main", 10, True, 0, 1)],
        "calls_by_choice": [(date(2026, 1, 5), "main", "tl", "iom", 1)],
    }


def test_tallies_equal_a_recount(engine, script) -> None:
    rnd = random.Random(7)
    for n in range(30):
        call = script(f"CA{n:02d}", hotline=rnd.choice(["main", "kansai"])).started()
        if rnd.random() < 0.7:
            call.connected(language=rnd.choice(["en", "tl"]), service=rnd.choice(["iom", "police"]))
        events = call.events[:]
        rnd.shuffle(events)
        for cut in sorted(rnd.sample(range(1, len(events) + 1), k=min(3, len(events)))):
            write(engine, events[:cut])
    live = tallies(engine)
    with engine.begin() as connection:
        tally.recount(connection)
    assert tallies(engine) == live
    assert sum(row[-1] for row in live["calls_by_hour"]) == 30


def test_concurrent_writers_of_the_same_calls(engine, script) -> None:
    """Two workers get different requests of the same calls: rows and tallies stay right."""
    scripts = [script(f"CA{n:02d}").started().connected() for n in range(12)]
    halves = ([e for s in scripts for e in s.events[::2]],
              [e for s in scripts for e in s.events[1::2]])
    errors: list[BaseException] = []

    def worker(events) -> None:
        try:
            for start in range(0, len(events), 5):
                write(engine, events[start:start + 5])
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [call_row(engine, s.call_sid)["event_count"] for s in scripts] == [10] * 12
    assert tallies(engine)["calls_by_outcome"] == [(date(2026, 1, 5), "main", "connected", "", 12)]


def test_get_call_of_an_unknown_call(engine) -> None:
    with engine.connect() as connection:
        assert store.get_call(connection, "CA-none") is None
        assert store.events_of(connection, 12345) == []
