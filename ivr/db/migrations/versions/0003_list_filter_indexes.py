"""Two more indexes for the calls list: service with outcome, and the menu a call ended in.

Service and outcome depend on each other (a service that is only told is
never connected, the police line is never closed), so a filter on both can
match no call at all, and planners that take them as independent then scan
the whole log, newest first, to find that out (250 ms to over a second on
PostgreSQL at a million calls; bench/calls.py). With (service, outcome,
started_at, id) it is one index range. The menu a call ended in was the only
filter of the list without an index of its own.

Building them on a large log holds the call log's writes for a few seconds
(3 s on PostgreSQL, 10 s on SQLite at a million calls); the writer keeps the
events in its spool meanwhile.

Revision ID: 0003
Revises: 0002
Create Date: 2026-01-03
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CALL_INDEXES = (
    ("service", "outcome", "started_at", "id"),
    ("outcome_menu", "started_at", "id"),
)


def name(columns: tuple[str, ...]) -> str:
    return "ix_calls_" + "_".join(columns)


def upgrade() -> None:
    for columns in CALL_INDEXES:
        op.create_index(name(columns), "calls", list(columns))
    analyze_if_analyzed()


def analyze_if_analyzed() -> None:
    """On SQLite, give the new indexes statistics when the others have some.

    SQLite only has statistics after an ANALYZE (the app never runs one).
    If it has them for every index but these, it misjudges these and may
    sort every call of a service instead of reading the service's index.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL keeps statistics per column, and they cover new indexes
    analyzed = bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").first()
    if analyzed:
        for columns in CALL_INDEXES:
            bind.exec_driver_sql(f"ANALYZE {name(columns)}")


def downgrade() -> None:
    for columns in CALL_INDEXES:
        op.drop_index(name(columns), table_name="calls")
