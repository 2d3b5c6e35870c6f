"""The drain's one-statement inserts store what SQLAlchemy's own inserts store, byte for byte.

``bulk`` sends a batch as one JSON parameter which the database unpacks, instead
of binding each value through SQLAlchemy. These tests write the same calls both
ways on SQLite and PostgreSQL and compare the rows as the database holds them
(on SQLite the raw stored values: the text of times and dates, 0/1, the JSON
text), tallies included.
"""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
import sqlalchemy as sa

from ivr.call.events import Kind
from ivr.calllog import bulk, spool, store, tally
from ivr.calllog.outcome import summarise
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.schema import TALLIES, call_events, calls

from .calllog_support import KEY, T0, Script
from .test_calllog_batch import some_calls

PRIVACY = CallerPrivacy.from_settings(KEY, keep_numbers=True)
ODD = "naïve 日本語 😀 \"quoted\" back\\slash\nnew line\ttab \u2028 \x7f"


def odd_calls() -> dict[str, list]:
    """Calls whose values try the JSON round trip: any text, whole seconds, microseconds."""
    call = Script("CAodd", start=T0 + timedelta(microseconds=1)).started("+44 20 7946 0958")
    call.add(Kind.MENU_ENTERED, menu=ODD)
    call.add(Kind.KEY_PRESSED, menu=ODD, digit="#", nested={"list": [1, 2.5, None, True]})
    call.add(Kind.LANGUAGE_CHOSEN, seq=1, language=ODD)
    call.add(Kind.SERVICE_CHOSEN, service=ODD, menu=ODD)
    call.status("completed", "95")
    quiet = Script("CAquiet", start=T0.replace(microsecond=0), hotline="")
    quiet.add(Kind.SILENCE, menu="language", attempt=1)
    return {"CAodd": call.events, "CAquiet": quiet.events}


def every_call() -> dict[str, list]:
    return {**some_calls(12), **odd_calls()}


def core_write(connection, calls_events: dict[str, list]) -> None:
    """Store the calls with SQLAlchemy Core's plain inserts (each value bound by its type)."""
    for sid, events in calls_events.items():
        found = [PRIVACY.redact(e) for e in events]
        row = {**store.call_row(summarise(found)), "call_sid": sid}
        call_id = connection.execute(calls.insert().returning(calls.c.id), row).scalar_one()
        connection.execute(call_events.insert(), [
            {"uid": e.uid, "call_id": call_id, "at": store.naive(e.at), "seq": e.seq,
             "kind": str(e.kind), "data": dict(e.data)} for e in sorted(found, key=store._when)])
    tally.recount(connection)


def stored(connection) -> dict[str, list]:
    """Every row as the database holds it (raw driver values), ids left out."""
    data = "data" if connection.dialect.name == "sqlite" else "CAST(data AS text)"
    columns = ", ".join(c.name for c in calls.columns if c.name != "id")
    found = {"calls": connection.exec_driver_sql(
        f"SELECT {columns} FROM calls ORDER BY call_sid").all()}
    found["call_events"] = connection.exec_driver_sql(
        f"SELECT c.call_sid, e.uid, e.at, e.seq, e.kind, {data} FROM call_events e "
        "JOIN calls c ON c.id = e.call_id ORDER BY e.id").all()
    if connection.dialect.name == "sqlite":  # and the storage class of every value
        found["types"] = connection.exec_driver_sql(
            f"SELECT {', '.join(f'typeof({c.name})' for c in calls.columns)} FROM calls "
            "ORDER BY call_sid").all()
    for table in TALLIES:
        found[table.name] = connection.exec_driver_sql(
            f"SELECT * FROM {table.name} WHERE calls <> 0 ORDER BY 1, 2, 3, 4").all()
    return found


def forget_everything(connection) -> None:
    for table in (*TALLIES, call_events, calls):
        connection.execute(table.delete())


def stored_and_core(engine, calls_events: dict[str, list]) -> tuple[dict, dict]:
    """What the drain stored, then (all of it forgotten) what Core's inserts store."""
    with engine.begin() as connection:
        written = stored(connection)
        forget_everything(connection)
        core_write(connection, calls_events)
    with engine.connect() as connection:
        return written, stored(connection)


def assert_same_rows_any_event_order(written: dict, reference: dict) -> None:
    """The same rows, events compared by uid (batches insert them in another order)."""
    for name in ("calls", "types", *(t.name for t in TALLIES)):
        assert written.get(name) == reference.get(name), name
    assert sorted(written["call_events"], key=lambda row: row[1]) == sorted(
        reference["call_events"], key=lambda row: row[1])


def test_bulk_rows_are_those_core_inserts_store(engine) -> None:
    every = every_call()
    with engine.begin() as connection:
        events = [PRIVACY.redact(e) for found in every.values() for e in found]
        assert store.write_events(connection, events) == len(events)
    written, reference = stored_and_core(engine, every)
    assert reference == written
    assert len(written["calls"]) == len(every)
    assert len(written["call_events"]) == sum(len(found) for found in every.values())


def test_folded_and_recomputed_calls_end_as_core_inserts_store_them(engine) -> None:
    every = every_call()
    with engine.begin() as connection:  # a first webhook, then the rest in two batches
        store.write_events(connection, [PRIVACY.redact(f[0]) for f in every.values()])
    with engine.begin() as connection:
        store.write_events(connection, [PRIVACY.redact(e) for f in every.values()
                                        for e in f[1:][::2]])
    with engine.begin() as connection:
        store.write_events(connection, [PRIVACY.redact(e) for f in every.values()
                                        for e in f[1:][1::2]])
    assert_same_rows_any_event_order(*stored_and_core(engine, every))


def test_spool_lines_store_what_core_inserts_store(engine) -> None:
    """The drain's way: lines as ``record`` writes them, decoded into Lines whose time and
    data texts are cut out of the line, new calls, then known ones folded, then recomputed
    (a status callback older than what is stored); one call stamped in Japan time."""
    every = every_call()
    japan = Script("CAjapan", start=T0.astimezone(timezone(timedelta(hours=9))) +
                   timedelta(microseconds=5)).started()
    japan.add(Kind.MENU_ENTERED, menu="main")
    japan.add(Kind.KEY_PRESSED, menu="main", digit="1")
    every["CAjapan"] = japan.events
    every["CAlate"] = [*Script("CAlate").started().connected().events]
    late_status = Script("CAlate", start=T0 + timedelta(seconds=3)).status("completed", "7")
    every["CAlate"].append(late_status)

    def lines(events: list) -> list[bytes]:
        return [spool.encode(PRIVACY.redact(e)) for e in events]

    batches = [lines([f[0] for f in every.values()]),
               lines([e for f in every.values() for e in f[1:-1]]),
               lines([f[-1] for f in every.values() if len(f) > 1])]
    for batch in batches:
        decoded = spool.decode_lines(batch)
        assert {type(e) for e in decoded} == {spool.Line}
        with engine.begin() as connection:
            assert store.write_events(connection, decoded) == len(batch)
    assert_same_rows_any_event_order(*stored_and_core(engine, every))


def test_an_empty_batch_runs_no_statement(engine) -> None:
    with engine.begin() as connection:
        assert bulk.insert(connection, calls, [], key="call_sid", returning=("id",)) == []
        bulk.add(connection, TALLIES[0], [], "calls")
        assert connection.execute(sa.select(sa.func.count()).select_from(calls)).scalar() == 0


def test_tally_keys_are_the_buckets_sorted() -> None:
    """``tally.keys`` (built directly, for speed) is ``tally.buckets`` (the definition)."""
    for events in every_call().values():
        for end in range(1, len(events) + 1):
            row = store.call_row(summarise([PRIVACY.redact(e) for e in events[:end]]))
            assert list(tally.keys(row)) == [(table.name, tuple(sorted(key.items())))
                                             for table, key in tally.buckets(row)]


def test_a_nul_character_is_stored_as_core_stores_it(engine) -> None:
    """SQLite's JSON functions would cut a text at a NUL: such a batch binds each value.
    PostgreSQL refuses a NUL in text either way (the writer sets such a call aside)."""
    nul = Script("CAnul").started("caller\x00x")  # kept whole: not a phone number
    nul.add(Kind.MENU_ENTERED, menu="main\x00menu")
    nul.status("completed\x00", "5")
    every = {"CAnul": nul.events, **odd_calls()}
    events = [PRIVACY.redact(e) for found in every.values() for e in found]
    if engine.dialect.name == "postgresql":
        for write in (lambda c: store.write_events(c, events), lambda c: core_write(c, every)):
            with pytest.raises(sa.exc.DataError), engine.begin() as connection:
                write(connection)
        return
    with engine.begin() as connection:
        store.write_events(connection, events)
    written, reference = stored_and_core(engine, every)
    assert reference == written
    assert written["calls"][0][9] == "caller\x00x"  # caller_number, whole


def test_an_older_sqlite_gets_core_statements_that_store_the_same(engine, monkeypatch) -> None:
    """Before SQLite 3.38 JSON may not be built in: every statement is Core's, rows alike."""
    monkeypatch.setattr(bulk, "OLDEST_SQLITE", (99, 0))
    expected_json = engine.dialect.name == "postgresql"
    assert bulk.json_ok(engine.dialect) is expected_json
    every, sql = every_call(), []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda _c, _k, statement, *_: sql.append(statement))
    with engine.begin() as connection:  # new calls, then calls known (locked and folded)
        store.write_events(connection, [PRIVACY.redact(f[0]) for f in every.values()])
    with engine.begin() as connection:
        store.write_events(connection, [PRIVACY.redact(e) for f in every.values()
                                        for e in f[1:]])
    assert any("json_" in statement for statement in sql) is expected_json
    assert_same_rows_any_event_order(*stored_and_core(engine, every))
