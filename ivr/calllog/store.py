"""Writing, reading and purging the call log (SQLAlchemy Core; no Flask).

Writes are idempotent: an event is keyed by its uid and inserted with
``ON CONFLICT DO NOTHING`` (the same statement on SQLite and PostgreSQL), only
the events actually inserted move the call row on, and a call whose events
arrive out of order (Twilio's status callback before the last webhook) is
recomputed from all of its stored events, so duplicates, retries and any
order of delivery all end in the rows ``summarise`` gives for all events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ivr.call.events import CallEvent, Kind
from ivr.calllog import bulk, onepass, tally
from ivr.calllog.fold import Stored, fold
from ivr.calllog.outcome import CallSummary, Outcome, summarise
from ivr.calllog.schema import call_events, calls
from ivr.calllog.spool import Line


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
    if moment.tzinfo is UTC:  # as the spool's times are: no conversion
        return moment.replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None)


def aware(moment: datetime | None) -> datetime | None:
    """Return a stored naive UTC time as an aware one."""
    return None if moment is None else moment.replace(tzinfo=UTC)


def write_events(connection: Connection, events: Sequence[CallEvent | Line]) -> int:
    """Store ``events`` (redacted) in the caller's transaction; return how many were new.

    The events of many calls cost a few statements in all: the calls are
    claimed (new ones inserted, their rows made in one pass by ``onepass``;
    known ones locked), every new event inserted (a spool ``Line`` brings the
    text its time and data are stored as), and each call's row moved on by
    folding its new events into it (see ``fold``; only the columns that
    changed are set); only a call whose events came out of order is
    recomputed from all of its stored events. The tallies move with the rows.
    """
    by_call = _by_call([Line.of(e) for e in events])
    if not by_call:
        return 0
    firsts = {sid: {**onepass.call_row(found), "call_sid": sid}  # the rows of new calls
              for sid, found in by_call.items()}
    ids, old = _claim_calls(connection, firsts)
    facts = _stored_facts(connection, [row["id"] for row in old.values()])
    inserted = _insert_events(connection, ids, by_call)
    rows, again = _fold_calls(by_call, inserted, old, facts, ids)
    rows |= _recompute(connection, [ids[sid] for sid in again], ids)
    _update_calls(connection, ids, rows, {**firsts, **old})  # a new call: as inserted
    changes = tally.Changes()
    for sid in by_call:
        before = old.get(sid)
        after = rows.get(sid) or (before if sid in old else firsts[sid])
        changes.add(before, -1)
        changes.add(after, +1)
    changes.apply(connection)
    return len(inserted)


def _fold_calls(by_call: dict[str, list[CallEvent]], inserted: set[str],
                old: dict[str, Mapping[str, Any]], facts: dict[int, Stored],
                ids: dict[str, int]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Return the new rows of the calls folded, and the CallSids to recompute."""
    rows: dict[str, dict[str, Any]] = {}
    again: list[str] = []
    for sid, found in by_call.items():
        new = [e for e in found if e.uid in inserted]
        if sid not in old:  # inserted now, whole, unless an event's uid was another call's
            if len(new) < len(found):
                again.append(sid)
        elif new:
            summary = fold(summary_of(old[sid]), facts[ids[sid]], new)
            if summary is None:
                again.append(sid)
            else:
                rows[sid] = call_row(summary)
    return rows, again


def _by_call(events: Sequence[Line]) -> dict[str, list[Line]]:
    """Return the events by call, sorted by CallSid, each uid once (the first one wins)."""
    unique: dict[str, CallEvent] = {}
    for event in events:
        unique.setdefault(event.uid, event)
    by_call: dict[str, list[CallEvent]] = {}
    for event in unique.values():
        by_call.setdefault(event.call_sid, []).append(event)
    return {sid: sorted(by_call[sid], key=_when) for sid in sorted(by_call)}


def _when(event: CallEvent) -> tuple[datetime, int]:
    return event.at, event.seq


def _claim_calls(connection: Connection, firsts: dict[str, dict[str, Any]]
                 ) -> tuple[dict[str, int], dict[str, Mapping[str, Any]]]:
    """Return every call's id, and the rows as they were of the calls already stored.

    The INSERT comes first: on SQLite it takes the write lock before anything
    is read (and makes no row for a call already stored); on PostgreSQL the
    SELECT .. FOR UPDATE then waits for any other writer of the same calls, so
    the old rows are the ones the tallies count.
    Rows are inserted, then locked, in CallSid order: writers never deadlock.
    """
    ids = {sid: id_ for id_, sid in bulk.insert(connection, calls, list(firsts.values()),
                                                key="call_sid", returning=("id", "call_sid"),
                                                often_taken=True)}
    known = [sid for sid in firsts if sid not in ids]
    old: dict[str, Mapping[str, Any]] = {}
    if known:
        query = (sa.select(calls).where(bulk.among(connection, calls.c.call_sid, known))
                 .order_by(calls.c.call_sid).with_for_update())
        old = {row.call_sid: row._asdict() for row in connection.execute(query).all()}
        if len(old) < len(known):
            raise LookupError("a call row went away while its events were written (purged)")
        ids |= {sid: row["id"] for sid, row in old.items()}
    return ids, old


def _stored_facts(connection: Connection, call_ids: list[int]) -> dict[int, Stored]:
    """Return, per call, what ``fold`` needs to know of its stored events."""
    if not call_ids:
        return {}
    kind = call_events.c.kind
    query = (sa.select(call_events.c.call_id, sa.func.max(call_events.c.at),
                       sa.func.count().filter(kind == str(Kind.CALL_STATUS)),
                       sa.func.count().filter(kind == str(Kind.CALL_ENDED)))
             .where(bulk.among(connection, call_events.c.call_id, call_ids))
             .group_by(call_events.c.call_id))
    return {call_id: Stored(aware(last), statuses, endings)
            for call_id, last, statuses, endings in connection.execute(query).all()}


def _insert_events(connection: Connection, ids: dict[str, int],
                   by_call: dict[str, list[Line]]) -> set[str]:
    """Insert the events no earlier write stored; return their uids."""
    inserted = bulk.insert_values(connection, call_events, [
        [e.uid, ids[sid], e.at_text, e.seq, e.kind, e.data_text]
        for sid, found in by_call.items() for e in found], key="uid", returning=("uid",))
    if inserted is None:  # the texts cannot go as they are: the values, bound by their types
        rows = [{"uid": e.uid, "call_id": ids[sid], "at": naive(e.at), "seq": e.seq,
                 "kind": str(e.kind), "data": dict(e.data)}
                for sid, found in by_call.items() for e in found]
        inserted = bulk.insert(connection, call_events, rows, key="uid", returning=("uid",))
    return {uid for uid, in inserted}


def _recompute(connection: Connection, call_ids: list[int],
               ids: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Return the rows of calls recomputed from all of their stored events, by CallSid."""
    if not call_ids:
        return {}
    sids = {id_: sid for sid, id_ in ids.items()}
    return {sids[call_id]: call_row(summarise(found))
            for call_id, found in events_of_calls(connection, call_ids).items()}


def _update_calls(connection: Connection, ids: dict[str, int], rows: dict[str, dict[str, Any]],
                  stored: Mapping[str, Mapping[str, Any]]) -> None:
    """Set the columns that changed in any of ``rows`` (from the ``stored`` row of its call):
    the others hold these values already, and SQLite then leaves their indexes alone."""
    changed: set[str] = set()
    for sid, row in rows.items():
        before = stored[sid]
        changed.update(name for name, value in row.items() if before[name] != value)
    names = sorted(changed)
    if names:
        bulk.update(connection, calls, [{"id": ids[sid], **{name: row[name] for name in names}}
                                        for sid, row in rows.items()], key="id")


def summary_of(row: Mapping[str, Any]) -> CallSummary:
    """Return the summary a stored call row holds (the inverse of ``call_row``)."""
    return CallSummary(
        hotline=row["hotline"], started_at=aware(row["started_at"]),
        ended_at=aware(row["ended_at"]), duration=row["duration"], status=row["status"],
        language=row["language"], caller_hash=row["caller_hash"],
        caller_masked=row["caller_masked"], caller_number=row["caller_number"],
        outcome=Outcome(row["outcome"]), outcome_menu=row["outcome_menu"],
        service=row["service"], hit_closed=bool(row["hit_closed"]),
        event_count=row["event_count"])


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
