"""The dashboard's counts: calls per day by outcome, heatmaps, drop-off, languages, services.

Each reads a ``calls_by_*`` tally (a few rows per Japan day) rather than the
calls themselves, so a year of a busy hotline is summed in milliseconds on
SQLite and PostgreSQL alike. A dashboard covers Japan dates and, optionally,
one hotline; finer filters belong to the calls list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.calllog.schema import calls_by_choice, calls_by_hour, calls_by_outcome

# What ``counts_by`` can count calls by, and the tally that knows it.
COUNTABLE = {"outcome": calls_by_outcome, "hotline": calls_by_outcome,
             "language": calls_by_choice, "service": calls_by_choice}


@dataclass(frozen=True)
class Period:
    """The Japan dates a dashboard covers (both included; None: unbounded) and its hotline."""

    date_from: date | None = None
    date_to: date | None = None
    hotline: str | None = None

    def clauses(self, table: sa.Table) -> list[sa.ColumnElement[bool]]:
        found = []
        if self.date_from is not None:
            found.append(table.c.local_date >= self.date_from)
        if self.date_to is not None:
            found.append(table.c.local_date <= self.date_to)
        if self.hotline is not None:
            found.append(table.c.hotline == self.hotline)
        return found


def _counted(table: sa.Table, period: Period, *columns: sa.ColumnElement) -> sa.Select:
    """Return SELECT columns, SUM(calls) over the period, grouped by the columns."""
    total = sa.func.sum(table.c.calls)
    return (sa.select(*columns, total.label("calls")).where(*period.clauses(table))
            .group_by(*columns).having(total > 0))


def _none(value: str) -> str | None:
    """Return a tally's "" (no menu, no language...) as None."""
    return value or None


def calls_per_day(connection: Connection, period: Period) -> list[tuple[date, str, int]]:
    """Return (Japan date, outcome, calls), by date then outcome."""
    t = calls_by_outcome
    query = _counted(t, period, t.c.local_date, t.c.outcome).order_by(t.c.local_date, t.c.outcome)
    return [(day, outcome, int(count)) for day, outcome, count in connection.execute(query)]


def heatmap(connection: Connection, period: Period, *,
            closed_only: bool = False) -> dict[tuple[int, int], int]:
    """Return calls by (Japan weekday, 0 is Monday; hour); ``closed_only``: found one closed."""
    t = calls_by_hour
    query = _counted(t, period, t.c.local_weekday, t.c.local_hour)
    if closed_only:
        query = query.where(t.c.hit_closed)
    return {(weekday, hour): int(count) for weekday, hour, count in connection.execute(query)}


def drop_off(connection: Connection, period: Period) -> list[tuple[str | None, str, int]]:
    """Return (menu, outcome, calls) for calls that ended in a menu or in silence, most first."""
    t = calls_by_outcome
    query = (_counted(t, period, t.c.outcome_menu, t.c.outcome)
             .where(t.c.outcome.in_(("ended_in_menu", "no_input")))
             .order_by(sa.desc("calls"), t.c.outcome_menu == "", t.c.outcome_menu, t.c.outcome))
    rows = connection.execute(query)
    return [(_none(menu), outcome, int(count)) for menu, outcome, count in rows]


def counts_by(connection: Connection, period: Period, column: str) -> list[tuple[str | None, int]]:
    """Return (value, calls) for one of ``COUNTABLE`` (language, service...), most first.

    None (no language chosen, no service) comes last among equal counts.
    """
    if column not in COUNTABLE:
        raise ValueError(f"cannot count calls by {column!r}; "
                         f"choose one of {', '.join(sorted(COUNTABLE))}")
    t = COUNTABLE[column]
    query = _counted(t, period, t.c[column]).order_by(sa.desc("calls"), t.c[column] == "",
                                                      t.c[column])
    return [(_none(value), int(count)) for value, count in connection.execute(query)]
