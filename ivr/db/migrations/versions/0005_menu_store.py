"""The menus in the database: versions, the draft, notices, recordings and the audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Data = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _by(name: str) -> sa.Column:
    return sa.Column(name, sa.String(64), nullable=False)


def upgrade() -> None:
    op.create_table(
        "menu_versions",
        sa.Column("id", Id, primary_key=True), sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("root", sa.String(64), nullable=False), sa.Column("files", Data, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False), _by("author"),
        sa.Column("based_on", sa.Integer), sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_menu_versions"),
        sa.UniqueConstraint("number", name="uq_menu_versions_number"),
    )
    op.create_table(
        "menu_drafts",
        sa.Column("id", Id, primary_key=True), sa.Column("name", sa.String(64), nullable=False),
        sa.Column("files", Data, nullable=False),
        sa.Column("base_number", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        _by("created_by"), sa.Column("created_at", sa.DateTime, nullable=False),
        _by("updated_by"), sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_menu_drafts"),
        sa.UniqueConstraint("name", name="uq_menu_drafts_name"),
    )
    op.create_table(
        "notices",
        sa.Column("id", Id, primary_key=True), sa.Column("services", Data, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("starts_at", sa.DateTime, nullable=False),
        sa.Column("ends_at", sa.DateTime, nullable=False),
        sa.Column("reason", Data, nullable=False), sa.Column("note", sa.Text, nullable=False),
        _by("author"), sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("withdrawn_at", sa.DateTime), sa.Column("withdrawn_by", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
    )
    op.create_index("ix_notices_ends_at", "notices", ["ends_at"])
    op.create_table(
        "recordings",
        sa.Column("id", Id, primary_key=True), sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("ext", sa.String(8), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False), _by("uploaded_by"),
        sa.Column("uploaded_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recordings"),
        sa.UniqueConstraint("lang", "name", name="uq_recordings_lang_name"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", Id, primary_key=True), sa.Column("at", sa.DateTime, nullable=False),
        _by("actor"), sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(128), nullable=False),
        sa.Column("detail", Data, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    for table in ("audit_log", "recordings", "notices", "menu_drafts", "menu_versions"):
        op.drop_table(table)
