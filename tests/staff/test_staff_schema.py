"""Migrations 0002 and 0004: the staff tables, as the code declares them, and their constraints."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ivr.db import database
from ivr.staff.schema import metadata, staff_users

STAFF_TABLES = {"staff_users", "staff_login_failures"}


@pytest.fixture
def engine(database_url):
    engine = database.create_engine(database_url)
    database.upgrade(engine)
    yield engine
    engine.dispose()


def staff_only(name, type_, _parent) -> bool:
    return type_ != "table" or name in STAFF_TABLES


def test_the_migration_builds_the_staff_tables_of_the_code(engine) -> None:
    assert database.current_revision(engine) == database.head_revision()  # 0004 and later
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": staff_only})
        assert compare_metadata(context, metadata) == []
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("staff_login_failures")}
    assert indexes == {"ix_staff_login_failures_username_client_at",
                       "ix_staff_login_failures_client_at", "ix_staff_login_failures_at"}


def test_downgrade_to_the_call_log_alone_and_back(engine) -> None:
    with engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "0001")
    assert not STAFF_TABLES & set(sa.inspect(engine).get_table_names())
    database.upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= STAFF_TABLES


@pytest.mark.parametrize(("row", "error"), [
    ({"username": "alice", "role": "root"}, sa.exc.IntegrityError),   # no such role
    ({"username": "bob", "role": "admin"}, sa.exc.IntegrityError),    # a second "bob"
])
def test_the_database_refuses_bad_accounts(engine, row, error) -> None:
    base = {"password_hash": "$argon2id$x", "disabled": False,
            "created_at": datetime(2026, 1, 1)}
    with engine.begin() as connection:
        connection.execute(staff_users.insert().values(username="bob", role="viewer", **base))
    with pytest.raises(error), engine.begin() as connection:
        connection.execute(staff_users.insert().values(**row, **base))


def test_0004_gives_existing_accounts_the_first_session_generation(engine) -> None:
    with engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "0003")
        connection.execute(sa.text(
            "INSERT INTO staff_users (username, password_hash, role, disabled, created_at) "
            "VALUES ('alice', '$argon2id$x', 'admin', false, '2026-01-01 00:00:00')"))
    database.upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(staff_users.c.username,
                                            staff_users.c.session_generation)).all()
    assert [tuple(row) for row in rows] == [("alice", 0)]
