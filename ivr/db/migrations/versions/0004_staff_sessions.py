"""Staff sessions that end on the server, and failed logins counted per username and address.

A staff session is a signed cookie naming its account; until now nothing on
the server could end it, so a copy kept from before a logout still worked.
Every session now also names the account's session generation, which a
logout or a change of the account (password, role, disabling, enabling)
moves on.
Existing accounts start at 0: sessions signed in before this migration end,
and their staff log in once more.

The login throttle now counts failures per (username, address) rather than
per username: the index on (username, at) becomes one on (username, client,
at), which also serves ``staff unlock`` (all of a username's failures).

Revision ID: 0004
Revises: 0003
Create Date: 2026-01-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FAILURES = "staff_login_failures"
OLD_INDEX, NEW_INDEX = ("username", "at"), ("username", "client", "at")


def index_name(columns: tuple[str, ...]) -> str:
    return f"ix_{FAILURES}_" + "_".join(columns)


def upgrade() -> None:
    op.add_column("staff_users", sa.Column("session_generation", sa.Integer, nullable=False,
                                           server_default="0"))
    op.drop_index(index_name(OLD_INDEX), table_name=FAILURES)
    op.create_index(index_name(NEW_INDEX), FAILURES, list(NEW_INDEX))


def downgrade() -> None:
    op.drop_index(index_name(NEW_INDEX), table_name=FAILURES)
    op.create_index(index_name(OLD_INDEX), FAILURES, list(OLD_INDEX))
    op.drop_column("staff_users", "session_generation")
