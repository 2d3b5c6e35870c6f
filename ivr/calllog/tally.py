"""Dashboard tallies: calls counted per Japan day, kept equal to what the call rows say.

Every change to a call row (a write that moves its outcome, language...) or
its deletion (purge) moves one count from its old buckets to its new ones in
the same transaction. The changes are applied in one sorted pass, so that
concurrent writers take the tally rows' locks in the same order and never
deadlock. ``recount`` rebuilds every tally from the call rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.calllog import bulk
from ivr.calllog.schema import TALLIES, calls, calls_by_choice, calls_by_hour, calls_by_outcome

_BY_NAME = {table.name: table for table in TALLIES}
Key = tuple[str, tuple[tuple[str, Any], ...]]


def buckets(row: Mapping[str, Any]) -> list[tuple[sa.Table, dict[str, Any]]]:
    """Return the tally rows a call row counts in, as (table, key columns)."""
    day = {"local_date": row["local_date"], "hotline": row["hotline"]}
    return [
        (calls_by_outcome, {**day, "outcome": row["outcome"],
                            "outcome_menu": row["outcome_menu"] or ""}),
        (calls_by_hour, {**day, "local_hour": row["local_hour"],
                         "hit_closed": bool(row["hit_closed"]),
                         "local_weekday": row["local_weekday"]}),
        (calls_by_choice, {**day, "language": row["language"] or "",
                           "service": row["service"] or ""}),
    ]


def keys(row: Mapping[str, Any]) -> tuple[Key, Key, Key]:
    """``buckets(row)`` as (table name, its key's items sorted by name), built directly."""
    day, hotline = row["local_date"], row["hotline"]
    return (
        ("calls_by_outcome", (("hotline", hotline), ("local_date", day),
                              ("outcome", row["outcome"]),
                              ("outcome_menu", row["outcome_menu"] or ""))),
        ("calls_by_hour", (("hit_closed", bool(row["hit_closed"])), ("hotline", hotline),
                           ("local_date", day), ("local_hour", row["local_hour"]),
                           ("local_weekday", row["local_weekday"]))),
        ("calls_by_choice", (("hotline", hotline), ("language", row["language"] or ""),
                             ("local_date", day), ("service", row["service"] or ""))),
    )


class Changes:
    """Counts to add to (or take from) the tallies, gathered over one transaction."""

    def __init__(self) -> None:
        self.deltas: Counter[Key] = Counter()

    def add(self, row: Mapping[str, Any] | None, delta: int) -> None:
        """Count ``row`` (a call row's columns; None counts nothing) ``delta`` times."""
        if row is None:
            return
        for key in keys(row):
            self.deltas[key] += delta

    def apply(self, connection: Connection) -> None:
        """Write the non-zero changes, table by table, each table's keys in sorted order."""
        by_table: dict[str, list[dict[str, Any]]] = {}
        for (name, key), delta in sorted(self.deltas.items()):
            if delta:
                by_table.setdefault(name, []).append({**dict(key), "calls": delta})
        for name, rows in by_table.items():
            bulk.add(connection, _BY_NAME[name], rows, "calls")
        self.deltas.clear()


def recount(connection: Connection) -> None:
    """Rebuild every tally from the call rows (a repair; writes keep them right)."""
    for table in TALLIES:
        connection.execute(table.delete())
    for table in TALLIES:
        columns = [c.name for c in table.columns if c.name != "calls"]
        values = [sa.func.coalesce(calls.c[name], "") if table.c[name].type.python_type is str
                  else calls.c[name] for name in columns]
        query = sa.select(*values, sa.func.count()).group_by(*values)
        connection.execute(table.insert().from_select([*columns, "calls"], query))


def forget_empty(connection: Connection) -> None:
    """Delete tally rows whose count has gone down to zero."""
    for table in TALLIES:
        connection.execute(table.delete().where(table.c.calls == 0))
