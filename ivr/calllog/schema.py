"""The call log's tables, as SQLAlchemy Core metadata (the migrations create them).

Times are naive UTC (the same on SQLite and PostgreSQL); the store converts
at its edge. A call row carries what the staff pages filter, sort and count
by (outcome, menu, service, language, Japan-time date, weekday and hour), so
lists and dashboards read one indexed table instead of replaying events.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# INTEGER PRIMARY KEY is the rowid on SQLite (autoincrementing, no extra index).
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Data = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

calls = sa.Table(
    "calls", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("call_sid", sa.String, nullable=False, unique=True),
    sa.Column("hotline", sa.String, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("ended_at", sa.DateTime),
    sa.Column("duration", sa.Integer),
    sa.Column("status", sa.String),
    sa.Column("language", sa.String),
    sa.Column("caller_hash", sa.String),
    sa.Column("caller_masked", sa.String),
    sa.Column("caller_number", sa.String),
    sa.Column("outcome", sa.String, nullable=False),
    sa.Column("outcome_menu", sa.String),
    sa.Column("service", sa.String),
    sa.Column("hit_closed", sa.Boolean, nullable=False),
    sa.Column("local_date", sa.Date, nullable=False),
    sa.Column("local_weekday", sa.SmallInteger, nullable=False),
    sa.Column("local_hour", sa.SmallInteger, nullable=False),
    sa.Column("event_count", sa.Integer, nullable=False),
    # The list: newest first, keyset on (started_at, id), one index per filter, and one
    # for service with outcome, which depend on each other (migration 0003).
    sa.Index(None, "started_at", "id"),
    sa.Index(None, "hotline", "started_at", "id"),
    sa.Index(None, "outcome", "started_at", "id"),
    sa.Index(None, "language", "started_at", "id"),
    sa.Index(None, "service", "started_at", "id"),
    sa.Index(None, "caller_hash", "started_at", "id"),
    sa.Index(None, "service", "outcome", "started_at", "id"),
    sa.Index(None, "outcome_menu", "started_at", "id"),
)

call_events = sa.Table(
    "call_events", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("uid", sa.String, nullable=False, unique=True),
    sa.Column("call_id", Id, sa.ForeignKey("calls.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("data", Data, nullable=False),
    sa.Index(None, "call_id", "at", "seq"),
)

calls_by_outcome = sa.Table(
    "calls_by_outcome", metadata,
    sa.Column("local_date", sa.Date, primary_key=True),
    sa.Column("hotline", sa.String, primary_key=True),
    sa.Column("outcome", sa.String, primary_key=True),
    sa.Column("outcome_menu", sa.String, primary_key=True),
    sa.Column("calls", sa.Integer, nullable=False),
)

calls_by_hour = sa.Table(
    "calls_by_hour", metadata,
    sa.Column("local_date", sa.Date, primary_key=True),
    sa.Column("hotline", sa.String, primary_key=True),
    sa.Column("local_hour", sa.SmallInteger, primary_key=True),
    sa.Column("hit_closed", sa.Boolean, primary_key=True),
    sa.Column("local_weekday", sa.SmallInteger, nullable=False),
    sa.Column("calls", sa.Integer, nullable=False),
)

calls_by_choice = sa.Table(
    "calls_by_choice", metadata,
    sa.Column("local_date", sa.Date, primary_key=True),
    sa.Column("hotline", sa.String, primary_key=True),
    sa.Column("language", sa.String, primary_key=True),
    sa.Column("service", sa.String, primary_key=True),
    sa.Column("calls", sa.Integer, nullable=False),
)

TALLIES = (calls_by_outcome, calls_by_hour, calls_by_choice)
