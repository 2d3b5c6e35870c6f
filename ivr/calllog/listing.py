"""The calls list staff browse: filtered, sorted by start time, paginated by keyset.

Every filter is a column of the ``calls`` row with an index that ends in
(started_at, id), so a page is one index range scan however deep it is and
however large the log grows (no OFFSET). Service and outcome together have
an index of their own: they depend on each other, so a pair of them can
match no call at all, which a scan of either index alone only finds out at
the end of the log. Dates are Japan dates, as staff think of them, turned
into UTC bounds on ``started_at``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.calllog.outcome import JAPAN
from ivr.calllog.schema import calls
from ivr.calllog.store import Call, naive


@dataclass(frozen=True)
class CallFilter:
    """Which calls to show; None means any. Dates are Japan dates, both ends included."""

    date_from: date | None = None
    date_to: date | None = None
    hotline: str | None = None
    language: str | None = None
    service: str | None = None
    outcome: str | None = None
    outcome_menu: str | None = None
    caller_hash: str | None = None

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        """Return the WHERE clauses of the filter."""
        found = [calls.c[f.name] == getattr(self, f.name) for f in fields(self)
                 if not f.name.startswith("date_") and getattr(self, f.name) is not None]
        if self.date_from is not None:
            found.append(calls.c.started_at >= japan_midnight(self.date_from))
        if self.date_to is not None:
            found.append(calls.c.started_at < japan_midnight(self.date_to + timedelta(days=1)))
        return found


def japan_midnight(day: date) -> datetime:
    """Return the start of a Japan day as the naive UTC the tables store."""
    return naive(datetime.combine(day, time(0), JAPAN))


@dataclass(frozen=True)
class Page:
    """One page of calls, and the cursor of the next page (None on the last)."""

    calls: list[Call]
    next_cursor: str | None


def cursor_of(call: Call) -> str:
    """Return the keyset cursor that continues after ``call``."""
    return f"{call.started_at.replace(tzinfo=None).isoformat()}_{call.id}"


def parse_cursor(cursor: str) -> tuple[datetime, int]:
    """Return the (naive UTC start, id) of a cursor; ValueError when it is not one."""
    moment, sep, ident = cursor.rpartition("_")
    if not sep:
        raise ValueError(f"not a page cursor: {cursor!r}")
    return datetime.fromisoformat(moment).replace(tzinfo=None), int(ident)


def list_calls(connection: Connection, where: CallFilter = CallFilter(), *,
               newest_first: bool = True, limit: int = 50, after: str | None = None) -> Page:
    """Return one page of calls by start time (ties by id), after the ``after`` cursor."""
    order = (calls.c.started_at.desc(), calls.c.id.desc()) if newest_first else (
        calls.c.started_at.asc(), calls.c.id.asc())
    query = sa.select(calls).where(*where.clauses()).order_by(*order).limit(limit + 1)
    if after is not None:
        moment, ident = parse_cursor(after)
        query = query.where(_beyond(moment, ident, newest_first))
    rows = [Call.from_row(row) for row in connection.execute(query)]
    more = len(rows) > limit
    return Page(rows[:limit], cursor_of(rows[limit - 1]) if more else None)


def _beyond(moment: datetime, ident: int, newest_first: bool) -> sa.ColumnElement[bool]:
    """Return "after the cursor" as a row comparison both databases serve from an index."""
    key = sa.tuple_(calls.c.started_at, calls.c.id)
    cursor = sa.tuple_(sa.literal(moment, sa.DateTime), sa.literal(ident, sa.BigInteger))
    return key < cursor if newest_first else key > cursor
