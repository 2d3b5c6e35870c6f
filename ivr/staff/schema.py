"""The staff app's tables: accounts and recent failed logins (migrations 0002 and 0004).

Failed logins live in the database, not in a worker's memory, so the login
throttle holds across every gunicorn worker and every instance sharing it.
Times are naive UTC, as in the call log.
"""

from __future__ import annotations

import sqlalchemy as sa

from ivr.calllog.schema import Id

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
})

ROLES = ("viewer", "admin")

staff_users = sa.Table(
    "staff_users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_login_at", sa.DateTime),
    # One more at each logout and account change: sessions of an older one have ended.
    sa.Column("session_generation", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("role IN ('viewer', 'admin')", name="role"),
)

login_failures = sa.Table(
    "staff_login_failures", metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("client", sa.String(64), nullable=False),
    # Counted per (username, client) and per client within the window (an unlock deletes
    # a username's); old rows go by time.
    sa.Index(None, "username", "client", "at"),
    sa.Index(None, "client", "at"),
    sa.Index(None, "at"),
)
