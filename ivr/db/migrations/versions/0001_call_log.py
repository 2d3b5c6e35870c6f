"""Create the call log: calls, their ordered events, and the dashboard's tallies.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Data = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
CALL_INDEXES = (
    ("started_at", "id"),
    ("hotline", "started_at", "id"),
    ("outcome", "started_at", "id"),
    ("language", "started_at", "id"),
    ("service", "started_at", "id"),
    ("caller_hash", "started_at", "id"),
)


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", Id, primary_key=True),
        sa.Column("call_sid", sa.String, nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_calls"),
        sa.UniqueConstraint("call_sid", name="uq_calls_call_sid"),
    )
    for columns in CALL_INDEXES:
        op.create_index("ix_calls_" + "_".join(columns), "calls", list(columns))
    op.create_table(
        "call_events",
        sa.Column("id", Id, primary_key=True),
        sa.Column("uid", sa.String, nullable=False),
        sa.Column("call_id", Id, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("data", Data, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_call_events"),
        sa.UniqueConstraint("uid", name="uq_call_events_uid"),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], ondelete="CASCADE",
                                name="fk_call_events_call_id_calls"),
    )
    op.create_index("ix_call_events_call_id_at_seq", "call_events", ["call_id", "at", "seq"])
    op.create_table(
        "calls_by_outcome",
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("hotline", sa.String, nullable=False),
        sa.Column("outcome", sa.String, nullable=False),
        sa.Column("outcome_menu", sa.String, nullable=False),
        sa.Column("calls", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("local_date", "hotline", "outcome", "outcome_menu",
                                name="pk_calls_by_outcome"),
    )
    op.create_table(
        "calls_by_hour",
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("hotline", sa.String, nullable=False),
        sa.Column("local_hour", sa.SmallInteger, nullable=False),
        sa.Column("hit_closed", sa.Boolean, nullable=False),
        sa.Column("local_weekday", sa.SmallInteger, nullable=False),
        sa.Column("calls", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("local_date", "hotline", "local_hour", "hit_closed",
                                name="pk_calls_by_hour"),
    )
    op.create_table(
        "calls_by_choice",
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("hotline", sa.String, nullable=False),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("service", sa.String, nullable=False),
        sa.Column("calls", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("local_date", "hotline", "language", "service",
                                name="pk_calls_by_choice"),
    )


def downgrade() -> None:
    for name in ("calls_by_choice", "calls_by_hour", "calls_by_outcome", "call_events", "calls"):
        op.drop_table(name)
