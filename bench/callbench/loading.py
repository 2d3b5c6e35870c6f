"""Loading synthetic calls fast: rows built by the store's own functions, written in bulk.

``store.call_row(summarise(events))`` makes each call row exactly as the
store's writes make it, and each event row holds what the store inserts
(uid, call, naive UTC time, seq, kind, data). Worker processes make the days
(events, summaries, rows) while this process writes them in order: SQLite by
executemany of rows already converted by SQLAlchemy's own type processors
(so times, dates and JSON are stored in the app's format), PostgreSQL by
COPY through psycopg 3. Call ids are given here, in start order, so events
name their call without a round trip; event ids come from the database.
Then the dashboard's tallies are rebuilt (``tally.recount``), PostgreSQL's
id sequences moved past the loaded ids, and planner statistics gathered.
"""

from __future__ import annotations

import json
import multiprocessing
import random
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Engine

from bench.callbench.journeys import calls_of_day
from bench.callbench.synthetic import daily_counts
from ivr.call.events import CallEvent
from ivr.calllog import tally
from ivr.calllog.outcome import summarise
from ivr.calllog.schema import call_events, calls
from ivr.calllog.store import call_row, naive

CALL_COLUMNS = tuple(column.name for column in calls.columns)
EVENT_COLUMNS = tuple(column.name for column in call_events.columns if column.name != "id")
SQLITE_CACHE_KIB = 1024 * 1024  # the loading connection's page cache: indexes stay in memory
BATCH_CALLS = 10_000  # calls per transaction
AHEAD = 64  # days made ahead of the writer, at most (a few hundred MB at most)
Row = tuple[Any, ...]


@dataclass(frozen=True)
class DayTask:
    """One Japan day of calls to make: how many, the first id, the seed, for which database."""

    day: date
    count: int
    first_id: int
    seed: int
    dialect: str


def plan(total: int, last_day: date, days: int, seed: int, dialect: str) -> list[DayTask]:
    """Return the days to make, oldest first, their calls numbered from 1 in start order."""
    tasks, first_id = [], 1
    for day, count in daily_counts(total, last_day, days, random.Random(seed)):
        tasks.append(DayTask(day, count, first_id, seed, dialect))
        first_id += count
    return tasks


def rows_of_day(task: DayTask) -> tuple[list[Row], list[Row]]:
    """Return the call rows and event rows of one day, as the database takes them."""
    rows = RowMaker.for_dialect(task.dialect)
    call_rows: list[Row] = []
    event_rows: list[Row] = []
    for call_id, events in enumerate(calls_of_day(task.day, task.count, task.first_id,
                                                  task.seed), start=task.first_id):
        call_rows.append(rows.call(call_id, events))
        event_rows.extend(rows.event(call_id, event)
                          for event in sorted(events, key=lambda e: (e.at, e.seq)))
    return call_rows, event_rows


@dataclass(frozen=True)
class RowMaker:
    """Turns calls and events into the tuples of ``CALL_COLUMNS`` and ``EVENT_COLUMNS``.

    ``convert`` holds, by column name, what the dialect's bulk path needs done
    to a value: SQLAlchemy's own bind processors on SQLite; on PostgreSQL
    (COPY text, the server parses each value by its column) only JSON text.
    """

    convert: dict[str, Callable[[Any], Any]]

    @classmethod
    def for_dialect(cls, dialect: str) -> RowMaker:
        if dialect == "postgresql":
            return cls({"data": json.dumps})
        sqlite_dialect = sqlite.dialect()
        found = {}
        for column in (*calls.columns, *call_events.columns):
            processor = column.type.dialect_impl(sqlite_dialect).bind_processor(sqlite_dialect)
            if processor is not None:
                found[column.name] = processor  # the tables share no processed column name
        return cls(found)

    def call(self, call_id: int, events: Sequence[CallEvent]) -> Row:
        """Return the call's row, from the store's own summary and columns."""
        row = {"id": call_id, "call_sid": events[0].call_sid, **call_row(summarise(events))}
        convert = self.convert
        return tuple([convert[name](row[name]) if name in convert else row[name]
                      for name in CALL_COLUMNS])

    def event(self, call_id: int, event: CallEvent) -> Row:
        """Return the event's row, with what ``store`` inserts for it."""
        at, data = naive(event.at), dict(event.data)
        if "at" in self.convert:
            at = self.convert["at"](at)
        return (event.uid, call_id, at, event.seq, str(event.kind), self.convert["data"](data))


def load(engine: Engine, tasks: Sequence[DayTask], workers: int) -> None:
    """Make the days in ``workers`` processes (0: in this one) and write them in order."""
    if workers == 0:
        _write(engine, map(rows_of_day, tasks))
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        _write(engine, _made(pool, tasks))


def _write(engine: Engine, days: Iterator[tuple[list[Row], list[Row]]]) -> None:
    """Write the days' rows in large transactions."""
    write = _copy if engine.dialect.name == "postgresql" else _insert
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            connection.commit()
        for call_rows, event_rows in _batches(days):
            with connection.begin():
                write(connection, call_rows, event_rows)


def _made(pool: Any, tasks: Sequence[DayTask]) -> Iterator[tuple[list[Row], list[Row]]]:
    """Yield each day's rows in order, with at most ``AHEAD`` days waiting in memory."""
    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(rows_of_day, (task,)))
        if len(pending) >= AHEAD:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _batches(days: Iterator[tuple[list[Row], list[Row]]]) -> Iterator[tuple[list[Row], list[Row]]]:
    """Yield the rows of consecutive days, about ``BATCH_CALLS`` calls at a time."""
    call_rows: list[Row] = []
    event_rows: list[Row] = []
    for day_calls, day_events in days:
        call_rows += day_calls
        event_rows += day_events
        if len(call_rows) >= BATCH_CALLS:
            yield call_rows, event_rows
            call_rows, event_rows = [], []
    if call_rows:
        yield call_rows, event_rows


def _insert(connection: Connection, call_rows: list[Row], event_rows: list[Row]) -> None:
    for table, columns, rows in ((calls, CALL_COLUMNS, call_rows),
                                 (call_events, EVENT_COLUMNS, event_rows)):
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", rows)


def _copy(connection: Connection, call_rows: list[Row], event_rows: list[Row]) -> None:
    cursor = connection.connection.driver_connection.cursor()
    for table, columns, rows in ((calls, CALL_COLUMNS, call_rows),
                                 (call_events, EVENT_COLUMNS, event_rows)):
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def finish(engine: Engine) -> None:
    """Rebuild the tallies, move PostgreSQL's id sequences on, and gather planner statistics."""
    with engine.begin() as connection:
        tally.recount(connection)
        if engine.dialect.name == "postgresql":
            for table in (calls, call_events):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.commit()


def counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows of the call log's tables."""
    with engine.connect() as connection:
        return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table))
                .scalar_one() for table in (calls, call_events, *tally.TALLIES)}
