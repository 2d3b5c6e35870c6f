"""Staff sessions that end on the server: a session generation per account.

A staff session is a signed cookie naming its account; until now nothing on
the server could end it, so a copy kept from before a logout still worked.
Every session now also names the account's session generation, which a
logout or a change of the account (password, role, disabling) moves on.
Existing accounts start at 0: sessions signed in before this migration end,
and their staff log in once more.

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


def upgrade() -> None:
    op.add_column("staff_users", sa.Column("session_generation", sa.Integer, nullable=False,
                                           server_default="0"))


def downgrade() -> None:
    op.drop_column("staff_users", "session_generation")
