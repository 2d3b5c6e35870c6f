"""The scale benchmark's loader writes exactly the rows the app's own writes would.

``bench/calls.py`` times the staff pages on a million calls loaded in bulk;
those timings only mean something if the bulk rows are the ones
``store.write_events`` makes (same columns, same stored formats, same
tallies) and the app can go on writing after them. Speed itself is measured
by the benchmark, never here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bench.callbench import loading, synthetic
from bench.callbench.journeys import calls_of_day
from ivr.calllog import store, tally
from ivr.calllog.listing import list_calls
from ivr.calllog.schema import call_events, calls
from ivr.db import database

LAST_DAY = date(2026, 1, 12)  # a Monday; the plan covers the weekend and a holiday before it


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = database.create_engine(database_url)
    database.upgrade(engine)
    yield engine
    engine.dispose()


def tasks(dialect: str, total: int = 240) -> list[loading.DayTask]:
    return loading.plan(total, LAST_DAY, 4, seed=7, dialect=dialect)


def contents(connection: Connection) -> dict[str, Any]:
    """Return every call, event and tally row, keyed without the database's own ids."""
    sid = {row.id: row.call_sid for row in connection.execute(sa.select(calls.c.id,
                                                                         calls.c.call_sid))}
    found: dict[str, Any] = {
        "calls": {row.call_sid: {k: v for k, v in row._mapping.items() if k != "id"}
                  for row in connection.execute(sa.select(calls))},
        "events": {row.uid: {**{k: v for k, v in row._mapping.items() if k != "id"},
                             "call_id": sid[row.call_id]}
                   for row in connection.execute(sa.select(call_events))},
    }
    for table in tally.TALLIES:
        found[table.name] = sorted(tuple(row) for row in connection.execute(
            sa.select(table).where(table.c.calls != 0)))
    return found


def empty(connection: Connection) -> None:
    for table in (*tally.TALLIES, call_events, calls):
        connection.execute(table.delete())


def test_bulk_rows_are_the_rows_write_events_makes(engine: Engine) -> None:
    plan = tasks(engine.dialect.name)
    with engine.begin() as connection:
        for task in plan:
            for events in calls_of_day(task.day, task.count, task.first_id, task.seed):
                store.write_events(connection, events)
    with engine.connect() as connection:
        written = contents(connection)
    with engine.begin() as connection:
        empty(connection)
    loading.load(engine, plan, workers=0)
    loading.finish(engine)
    with engine.connect() as connection:
        loaded = contents(connection)
    assert len(loaded["calls"]) == 240
    assert loaded == written


def test_the_app_writes_on_after_a_bulk_load(engine: Engine) -> None:
    loading.load(engine, tasks(engine.dialect.name), workers=0)
    loading.finish(engine)
    later = calls_of_day(LAST_DAY + timedelta(days=1), 1, first_id=10_000, seed=8)[0]
    with engine.begin() as connection:
        assert store.write_events(connection, later) == len(later)
    with engine.connect() as connection:
        newest = list_calls(connection, limit=1).calls[0]
        assert (newest.call_sid, newest.id) == (later[0].call_sid, 241)
        assert store.events_of(connection, newest.id) == sorted(later, key=lambda e: (e.at, e.seq))


def test_the_synthetic_year_is_the_same_every_time() -> None:
    day = tasks("sqlite")[1]
    assert loading.rows_of_day(day) == loading.rows_of_day(day)
    assert loading.rows_of_day(tasks("sqlite")[2]) != loading.rows_of_day(day)


def test_synthetic_callers_are_stored_as_the_writer_stores_them() -> None:
    synthetic.check_redaction()
