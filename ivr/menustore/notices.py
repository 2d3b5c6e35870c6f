"""Notices in the database: written by staff, in force until they expire or are withdrawn.

"IOM closed today (office move)", "typhoon: every office closed until
15:00", "the consultation line is open this Saturday". Each has the
services it applies to (none named: all), open or closed, a start, an end
(required: a notice always expires by itself), the reason callers hear in
each language, a note for staff and its author. Creating and withdrawing
are audited; nothing else changes a notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.db.database import aware, naive
from ivr.menustore import audit
from ivr.menustore.schema import notices
from ivr.phonetree.notices import Notice
from ivr.phonetree.tree import frozen_map


class NoticeError(ValueError):
    """A notice that cannot be made as asked, with a message staff can act on."""


@dataclass(frozen=True)
class Record:
    """A notice as stored: the routing part and what staff see about it."""

    notice: Notice
    note: str
    author: str
    created_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by: str | None

    def state(self, now: datetime) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if now >= self.notice.end:
            return "expired"
        return "in force" if now >= self.notice.start else "to come"


def _record(row: sa.Row) -> Record:
    notice = Notice(row.id, tuple(row.services), bool(row.open), aware(row.starts_at),
                    aware(row.ends_at), frozen_map(dict(row.reason)))
    return Record(notice, row.note, row.author, aware(row.created_at), aware(row.withdrawn_at),
                  row.withdrawn_by)


def create(connection: Connection, *, services: Sequence[str], open: bool, start: datetime,
           end: datetime, reason: Mapping[str, str], note: str, author: str,
           now: datetime) -> Record:
    """Store a new notice (in the caller's transaction) and audit it."""
    if end <= start:
        raise NoticeError("the notice must end after it starts")
    if end <= now:
        raise NoticeError("the notice would already have ended: choose a later end")
    row = connection.execute(notices.insert().values(
        services=list(services), open=open, starts_at=naive(start), ends_at=naive(end),
        reason={k: v.strip() for k, v in reason.items() if v.strip()}, note=note.strip(),
        author=author, created_at=naive(now)).returning(notices.c.id)).one()
    audit.record(connection, author, "notice.create", f"notice {row.id}", now,
                 services=list(services) or "all", open=open, start=start.isoformat(),
                 end=end.isoformat(), note=note.strip())
    return get(connection, row.id)


def withdraw(connection: Connection, notice_id: int, author: str, now: datetime) -> Record:
    """End a notice now (it stays in the list, marked withdrawn)."""
    done = connection.execute(notices.update().where(
        notices.c.id == notice_id, notices.c.withdrawn_at.is_(None)).values(
        withdrawn_at=naive(now), withdrawn_by=author))
    if done.rowcount != 1:
        raise NoticeError(f"notice {notice_id} does not exist or was withdrawn already")
    audit.record(connection, author, "notice.withdraw", f"notice {notice_id}", now)
    return get(connection, notice_id)


def get(connection: Connection, notice_id: int) -> Record | None:
    row = connection.execute(sa.select(notices).where(notices.c.id == notice_id)).first()
    return _record(row) if row else None


def in_force(connection: Connection, now: datetime) -> list[Notice]:
    """The notices that apply now or later (not withdrawn, not yet ended), oldest first."""
    rows = connection.execute(sa.select(notices).where(
        notices.c.withdrawn_at.is_(None), notices.c.ends_at > naive(now)).order_by(notices.c.id))
    return [_record(row).notice for row in rows]


def recent(connection: Connection, now: datetime, days: int = 30) -> list[Record]:
    """Every notice in force, to come, or ended less than ``days`` ago, newest first."""
    cutoff = naive(now - timedelta(days=days))
    rows = connection.execute(sa.select(notices).where(
        notices.c.ends_at >= cutoff,
        sa.or_(notices.c.withdrawn_at.is_(None), notices.c.withdrawn_at >= cutoff))
        .order_by(notices.c.id.desc()))
    return [_record(row) for row in rows]
