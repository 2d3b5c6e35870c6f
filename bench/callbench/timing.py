"""Timing warm repeats, and the SQL behind a slow one with its plan.

A measurement runs its action a few times to warm caches (the database's
pages, SQLAlchemy's compiled statements, Jinja's templates), then times each
of ``runs`` more and reports the median, the 95th percentile (nearest rank)
and the maximum, in milliseconds.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


@dataclass(frozen=True)
class Stats:
    """Milliseconds of the timed runs of one action."""

    median_ms: float
    p95_ms: float
    max_ms: float
    runs: int

    @classmethod
    def of(cls, seconds: list[float]) -> Stats:
        ordered = sorted(seconds)
        rank = math.ceil(0.95 * len(ordered)) - 1
        return cls(round(statistics.median(ordered) * 1000, 2), round(ordered[rank] * 1000, 2),
                   round(ordered[-1] * 1000, 2), len(ordered))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def measure(action: Callable[[], object], runs: int, warmup: int = 3) -> Stats:
    """Return the timings of ``runs`` calls of ``action`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        action()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return Stats.of(seconds)


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Collect the (SQL, parameters) that ``engine`` sends to the database meanwhile."""
    found: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               _executemany: bool) -> None:
        found.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def explain(connection: Connection, statement: str, parameters: Any) -> list[str]:
    """Return the plan of one statement: PostgreSQL's EXPLAIN ANALYZE, SQLite's QUERY PLAN."""
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return [line for (line,) in rows]
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    depth: dict[int, int] = {}
    lines = []
    for ident, parent, _unused, detail in rows:
        depth[ident] = depth.get(parent, -1) + 1
        lines.append("  " * depth[ident] + detail)
    return lines
