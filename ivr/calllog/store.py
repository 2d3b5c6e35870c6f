"""Writing, reading and purging the call log (SQLAlchemy Core; no Flask).

Writes are idempotent: an event is keyed by its uid and inserted with
``ON CONFLICT DO NOTHING`` (the same statement on SQLite and PostgreSQL), and
the call row is recomputed from all of the call's stored events each time,
so duplicates, retries and out-of-order delivery (Twilio's status callback
before the last webhook) all end in the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ivr.call.events import CallEvent, Kind
from ivr.calllog import tally
from ivr.calllog.outcome import CallSummary, summarise
from ivr.calllog.schema import call_events, calls
from ivr.db import database


@dataclass(frozen=True)
class Call:
    """One call record as stored, times aware UTC; ``local_*`` are Japan time."""

    id: int
    call_sid: str
    hotline: str
    started_at: datetime
    ended_at: datetime | None
    duration: int | None
    status: str | None
    language: str | None
    caller_hash: str | None
    caller_masked: str | None
    caller_number: str | None
    outcome: str
    outcome_menu: str | None
    service: str | None
    hit_closed: bool
    local_date: date
    local_weekday: int
    local_hour: int
    event_count: int

    @classmethod
    def from_row(cls, row: sa.Row) -> Call:
        values = dict(row._mapping)
        values["started_at"] = aware(values["started_at"])
        values["ended_at"] = aware(values["ended_at"])
        values["hit_closed"] = bool(values["hit_closed"])
        return cls(**values)


def naive(moment: datetime) -> datetime:
    """Return an aware time as the naive UTC the tables store."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def aware(moment: datetime | None) -> datetime | None:
    """Return a stored naive UTC time as an aware one."""
    return None if moment is None else moment.replace(tzinfo=UTC)


def write_events(connection: Connection, events: Sequence[CallEvent]) -> int:
    """Store ``events`` (redacted) in the caller's transaction; return how many were new.

    Each call touched is locked, gets its new events, has its row recomputed
    from all of its events, and moves its count in the dashboard tallies.
    """
    by_call: dict[str, list[CallEvent]] = {}
    for event in events:
        by_call.setdefault(event.call_sid, []).append(event)
    changes = tally.Changes()
    inserted = 0
    for call_sid in sorted(by_call):  # one lock order for all writers: no deadlocks
        call_id, old = _claim_call(connection, by_call[call_sid])
        new_events = _insert_events(connection, call_id, by_call[call_sid])
        if new_events or old is None:
            changes.add(old, -1)
            changes.add(_refresh_call(connection, call_id), +1)
        inserted += new_events
    changes.apply(connection)
    return inserted


def _claim_call(connection: Connection,
                events: Sequence[CallEvent]) -> tuple[int, Mapping[str, Any] | None]:
    """Return the call's id and its row as it was (None when new), the row locked till commit.

    The INSERT comes first: on SQLite it takes the write lock before anything
    is read, and on PostgreSQL the SELECT .. FOR UPDATE then waits for any
    other writer of the same call, so the old row is the one the tallies count.
    """
    placeholder = {**call_row(summarise(events)), "call_sid": events[0].call_sid}
    statement = (database.insert(connection, calls).values(placeholder)
                 .on_conflict_do_nothing(index_elements=["call_sid"]).returning(calls.c.id))
    new_id = connection.execute(statement).scalar_one_or_none()
    if new_id is not None:
        return new_id, None
    query = sa.select(calls).where(calls.c.call_sid == events[0].call_sid).with_for_update()
    old = connection.execute(query).one()._mapping
    return old["id"], old


def _insert_events(connection: Connection, call_id: int, events: Sequence[CallEvent]) -> int:
    rows = [{"uid": e.uid, "call_id": call_id, "at": naive(e.at), "seq": e.seq,
             "kind": str(e.kind), "data": dict(e.data)} for e in events]
    statement = (database.insert(connection, call_events)
                 .on_conflict_do_nothing(index_elements=["uid"]).returning(call_events.c.id))
    return len(connection.execute(statement, rows).all())


def _refresh_call(connection: Connection, call_id: int) -> dict[str, Any]:
    """Recompute the call row from every stored event of the call; return its new columns."""
    columns = call_row(summarise(events_of(connection, call_id)))
    connection.execute(calls.update().where(calls.c.id == call_id).values(columns))
    return columns


def call_row(summary: CallSummary) -> dict[str, Any]:
    """Return the ``calls`` columns of a summary (also for loading synthetic calls in bulk)."""
    local = summary.local_start
    return {
        "hotline": summary.hotline,
        "started_at": naive(summary.started_at),
        "ended_at": naive(summary.ended_at) if summary.ended_at else None,
        "duration": summary.duration, "status": summary.status, "language": summary.language,
        "caller_hash": summary.caller_hash, "caller_masked": summary.caller_masked,
        "caller_number": summary.caller_number,
        "outcome": str(summary.outcome), "outcome_menu": summary.outcome_menu,
        "service": summary.service, "hit_closed": summary.hit_closed,
        "local_date": local.date(), "local_weekday": local.weekday(), "local_hour": local.hour,
        "event_count": summary.event_count,
    }


def events_of(connection: Connection, call_id: int) -> list[CallEvent]:
    """Return the stored events of one call, in the order they happened."""
    return events_of_calls(connection, [call_id]).get(call_id, [])


def events_of_calls(connection: Connection, call_ids: Iterable[int]) -> dict[int, list[CallEvent]]:
    """Return the stored events of several calls, by call id, each list in order."""
    query = (
        sa.select(call_events, calls.c.call_sid, calls.c.hotline)
        .join(calls, calls.c.id == call_events.c.call_id)
        .where(call_events.c.call_id.in_(list(call_ids)))
        .order_by(call_events.c.call_id, call_events.c.at, call_events.c.seq, call_events.c.id)
    )
    found: dict[int, list[CallEvent]] = {}
    for row in connection.execute(query):
        event = CallEvent(uid=row.uid, call_sid=row.call_sid, hotline=row.hotline,
                          at=aware(row.at), seq=row.seq, kind=Kind(row.kind), data=row.data)
        found.setdefault(row.call_id, []).append(event)
    return found


def get_call(connection: Connection, call_sid: str) -> Call | None:
    """Return the call record of ``call_sid``, None when the log has no such call."""
    row = connection.execute(sa.select(calls).where(calls.c.call_sid == call_sid)).first()
    return Call.from_row(row) if row else None


def retention_cutoff(now: datetime, days: int) -> datetime:
    """Return the start time before which calls are older than ``days`` days."""
    return now - timedelta(days=days)


def purge(engine: Engine, before: datetime, *, batch_size: int = 1000) -> int:
    """Delete calls that started before ``before``, with their events; return how many.

    Works in small transactions so the call log's writers are never held up
    for long, and deletes only what is still there: running it twice, or
    from two cron jobs at once, deletes each call once. Events go with their
    call (ON DELETE CASCADE); the tallies lose the deleted calls' counts.
    """
    deleted = 0
    while True:
        with engine.begin() as connection:
            oldest = (sa.select(calls.c.id).where(calls.c.started_at < naive(before))
                      .order_by(calls.c.started_at).limit(batch_size))
            gone = connection.execute(calls.delete().where(calls.c.id.in_(oldest))
                                      .returning(*calls.c)).all()
            changes = tally.Changes()
            for row in gone:
                changes.add(row._mapping, -1)
            changes.apply(connection)
            tally.forget_empty(connection)
        if not gone:
            return deleted
        deleted += len(gone)
