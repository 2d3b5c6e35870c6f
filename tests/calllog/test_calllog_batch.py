"""The writer's batches on SQLite and PostgreSQL: few statements, rows equal to the recompute.

Whatever the order, the repetition and the grouping of the events delivered,
each call's row must be ``summarise`` over all of its distinct events and the
tallies a recount of the rows; and a batch of many calls must cost a fixed
number of statements, not a few per call.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ivr.call.events import Kind
from ivr.calllog import store, tally
from ivr.calllog.outcome import summarise
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.schema import TALLIES

from .calllog_support import KEY, T0, Script, webhooks

PRIVACY = CallerPrivacy.from_settings(KEY, keep_numbers=False)


def write(engine, events) -> int:
    with engine.begin() as connection:
        return store.write_events(connection, [PRIVACY.redact(e) for e in events])


def rows(engine, sids) -> dict[str, dict]:
    with engine.connect() as connection:
        return {sid: {k: v for k, v in dataclasses.asdict(store.get_call(connection, sid)).items()
                      if k not in ("id", "call_sid")} for sid in sids}


def expected(calls: dict[str, list]) -> dict[str, dict]:
    """The oracle: each call's row from all of its events, as a full recompute gives it."""
    found = {}
    for sid, events in calls.items():
        row = store.call_row(summarise([PRIVACY.redact(e) for e in events]))
        found[sid] = {**row, "started_at": store.aware(row["started_at"]),
                      "ended_at": store.aware(row["ended_at"]),
                      "hit_closed": bool(row["hit_closed"])}
    return found


def tallies(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {t.name: sorted(tuple(r) for r in connection.execute(
            sa.select(t).where(t.c.calls != 0))) for t in TALLIES}


def assert_tallies_are_a_recount(engine) -> None:
    live = tallies(engine)
    with engine.begin() as connection:
        tally.recount(connection)
    assert tallies(engine) == live


def some_calls(count: int, seed: int = 1) -> dict[str, list]:
    """Calls of every shape: connected, closed, silent, hung up in a menu; most get a status."""
    rnd = random.Random(seed)
    calls = {}
    for n in range(count):
        call = Script(f"CA{n:03d}", start=T0 + timedelta(minutes=n)).started()
        shape = n % 4
        if shape == 0:
            call.connected(language=rnd.choice(["en", "tl"]), service="police")
        elif shape == 1:
            call.add(Kind.KEY_PRESSED, menu="language", digit="2")
            call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="tl")
            call.add(Kind.SERVICE_CHOSEN, service="iom", menu="main")
            call.add(Kind.CLOSED, seq=1, service="iom", reason="weekend", next_open=None)
        elif shape == 2:
            call.add(Kind.MENU_ENTERED, menu="language")
            call.add(Kind.SILENCE, menu="language", attempt=1)
            call.add(Kind.CALL_ENDED, where="language", reason="no_input")
        else:
            call.add(Kind.MENU_ENTERED, menu="language")
            call.add(Kind.KEY_PRESSED, menu="language", digit="1")
            call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="en")
            call.add(Kind.MENU_ENTERED, menu="legal")
        if rnd.random() < 0.8:
            call.status(rnd.choice(["completed", "busy"]), "40")
        calls[call.call_sid] = call.events
    return calls


class Statements:
    """Counts the SQL statements an engine runs (an executemany counts once)."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def __enter__(self) -> Statements:
        sa.event.listen(self.engine, "before_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def test_webhooks_in_order_are_folded_without_reading_the_events(engine, monkeypatch) -> None:
    calls = some_calls(8)

    def replayed(*_args):
        raise AssertionError("a call in order was recomputed from all of its events")

    monkeypatch.setattr(store, "events_of_calls", replayed)
    for events in calls.values():
        for webhook in webhooks(events):  # each on its own, in order
            write(engine, webhook)
    assert rows(engine, calls) == expected(calls)
    assert_tallies_are_a_recount(engine)


def test_a_batch_of_many_calls_costs_a_few_statements(engine) -> None:
    calls = some_calls(60)
    started = [events[0] for events in calls.values()]
    later = [e for events in calls.values() for e in events[1:]]
    write(engine, started[:30])  # half the calls are known, half are new in the batch
    with Statements(engine) as statements:
        assert write(engine, [*later, *started[30:]]) == len(later) + 30
    assert statements.count <= 8
    assert rows(engine, calls) == expected(calls)
    assert_tallies_are_a_recount(engine)


@pytest.mark.parametrize("seed", range(3))
def test_any_order_and_any_repetition_end_in_the_recompute(engine, seed) -> None:
    rnd = random.Random(seed)
    calls = some_calls(24, seed)
    every = [e for events in calls.values() for e in events]
    deliveries = every + rnd.sample(every, len(every) // 3)  # retried spool batches
    rnd.shuffle(deliveries)
    while deliveries:
        size = rnd.randint(1, 40)
        batch, deliveries = deliveries[:size], deliveries[size:]
        write(engine, batch)
    assert rows(engine, calls) == expected(calls)
    assert_tallies_are_a_recount(engine)
    assert write(engine, every) == 0  # a whole spool again: nothing new, nothing moves
    assert rows(engine, calls) == expected(calls)


def test_a_status_callback_stored_before_the_last_webhook(engine) -> None:
    calls = some_calls(4)
    for events in calls.values():
        write(engine, events[:-2])
        write(engine, events[-1:])  # the status callback, drained by another worker first
        write(engine, events[-2:-1])
    assert rows(engine, calls) == expected(calls)
    assert_tallies_are_a_recount(engine)


def test_the_same_event_twice_in_one_batch_is_stored_once(engine) -> None:
    call = Script("CA1").started().connected()
    status = call.status("completed", "95")
    again = dataclasses.replace(status, at=status.at + timedelta(seconds=5))  # same uid
    assert write(engine, [*call.events, again, *call.events[:3]]) == 11
    assert rows(engine, ["CA1"]) == expected({"CA1": call.events})
