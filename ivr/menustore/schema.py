"""The tables of the menus in the database (SQLAlchemy Core; migration 0005 creates them).

A version's and a draft's files are stored as one JSON object, path to text,
exactly as written, so exporting a version gives back the same bytes. Times
are naive UTC, as in the call log. The audit log is only ever appended to.
"""

from __future__ import annotations

import sqlalchemy as sa

from ivr.db.database import NAMING, Data, Id

metadata = sa.MetaData(naming_convention=NAMING)

menu_versions = sa.Table(
    "menu_versions", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("number", sa.Integer, nullable=False, unique=True),  # 1, 2, 3... as staff see it
    sa.Column("kind", sa.String(16), nullable=False),  # seed, import, publish, rollback
    sa.Column("root", sa.String(64), nullable=False),  # the folder name in messages: "menus"
    sa.Column("files", Data, nullable=False),          # {"main.yaml": "...", ...}
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("based_on", sa.Integer),  # the version a draft or rollback started from
    sa.Column("created_at", sa.DateTime, nullable=False),
)

menu_drafts = sa.Table(
    "menu_drafts", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("files", Data, nullable=False),
    sa.Column("base_number", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),  # +1 per save: two editors never overwrite
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

notices = sa.Table(
    "notices", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("services", Data, nullable=False),  # service ids; [] = every service
    sa.Column("open", sa.Boolean, nullable=False),
    sa.Column("starts_at", sa.DateTime, nullable=False),
    sa.Column("ends_at", sa.DateTime, nullable=False),
    sa.Column("reason", Data, nullable=False),  # language code -> what callers hear
    sa.Column("note", sa.Text, nullable=False),  # for staff: why, who asked
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("withdrawn_at", sa.DateTime),
    sa.Column("withdrawn_by", sa.String(64)),
    sa.Index(None, "ends_at"),
)

recordings = sa.Table(
    "recordings", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("name", sa.String(128), nullable=False),  # the prompt: "greeting", "menu.main"...
    sa.Column("ext", sa.String(8), nullable=False),     # ".wav" or ".mp3"
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("uploaded_by", sa.String(64), nullable=False),
    sa.Column("uploaded_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("lang", "name"),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),  # publish, rollback, notice.create...
    sa.Column("target", sa.String(128), nullable=False),
    sa.Column("detail", Data, nullable=False),
    sa.Index(None, "at"),
)
