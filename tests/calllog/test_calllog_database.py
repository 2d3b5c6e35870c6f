"""Migrations (create or upgrade, twice is a no-op), SQLite settings, and ``db upgrade``."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask

from ivr import calllog
from ivr.calllog import store
from ivr.calllog.schema import metadata
from ivr.db import database
from ivr.menustore.schema import metadata as menustore_metadata
from ivr.staff.schema import metadata as staff_metadata

TABLES = {"alembic_version", "calls", "call_events", "calls_by_outcome", "calls_by_hour",
          "calls_by_choice", "staff_users", "staff_login_failures",
          "menu_versions", "menu_drafts", "notices", "recordings", "audit_log"}
# 0002: staff accounts, failed logins; 0003: list indexes; 0004: staff sessions;
# 0005: the menus store
HEAD = "0005"


def table_names(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


@pytest.fixture
def bare_engine(database_url):
    engine = database.create_engine(database_url)
    yield engine
    engine.dispose()


def test_upgrade_creates_the_tables_and_twice_is_a_no_op(bare_engine) -> None:
    assert table_names(bare_engine) == set()
    assert database.current_revision(bare_engine) is None
    database.upgrade(bare_engine)
    assert table_names(bare_engine) == TABLES
    assert database.current_revision(bare_engine) == database.head_revision() == HEAD
    database.upgrade(bare_engine)
    assert table_names(bare_engine) == TABLES
    assert database.current_revision(bare_engine) == HEAD


def test_the_migrations_build_exactly_the_schema_of_the_code(engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection),
                                [metadata, staff_metadata, menustore_metadata]) == []


def test_downgrade_to_nothing(engine) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(database.alembic_config(connection), "base")
    assert table_names(engine) == {"alembic_version"}


def test_upgrade_gives_new_indexes_statistics_in_an_analyzed_sqlite_log(tmp_path, script) -> None:
    """Statistics for every index but the new ones would mislead SQLite's planner."""
    engine = database.create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    database.upgrade(engine, "0002")
    with engine.begin() as connection:
        store.write_events(connection, script().started().connected().events)
        connection.exec_driver_sql("ANALYZE")
    database.upgrade(engine)
    with engine.connect() as connection:
        analyzed = {index for (index,) in connection.exec_driver_sql(
            "SELECT idx FROM sqlite_stat1 WHERE tbl = 'calls'")}
    engine.dispose()
    assert {"ix_calls_service_outcome_started_at_id",
            "ix_calls_outcome_menu_started_at_id"} <= analyzed


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(tmp_path) -> None:
    engine = database.create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", busy_timeout=2.5)
    try:
        with engine.connect() as connection:
            pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                      for name in ("journal_mode", "busy_timeout", "foreign_keys")}
    finally:
        engine.dispose()
    assert pragma == {"journal_mode": "wal", "busy_timeout": 2500, "foreign_keys": 1}


@pytest.mark.parametrize(("url", "path"), [
    ("sqlite:////srv/ivr/calls.sqlite3", "/srv/ivr/calls.sqlite3"),
    ("sqlite:///calls.sqlite3", "calls.sqlite3"),
    ("sqlite://", None),
    ("sqlite:///:memory:", None),
    ("postgresql+psycopg://u@h/db", None),
])
def test_sqlite_file(url, path) -> None:
    found = database.sqlite_file(url)
    assert (str(found) if found else None) == path


def make_app(url: str, tmp_path) -> Flask:
    app = Flask("calllog_db_test")
    app.config.update(TESTING=True, DATABASE_URL=url, IVR_SPOOL_DIR=str(tmp_path / "spool"),
                      IVR_CALLER_HASH_KEY="k", IVR_STORE_FULL_NUMBERS=False,
                      IVR_RETENTION_DAYS=180)
    calllog.init_app(app)
    return app


def test_init_app_creates_a_sqlite_log_but_leaves_postgresql_to_the_operator(
        database_url, bare_engine, tmp_path) -> None:
    app = make_app(database_url, tmp_path)
    try:
        created = bare_engine.dialect.name == "sqlite"
        assert table_names(bare_engine) == (TABLES if created else set())
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert (result.exit_code, result.output) == (0, f"Database already at revision {HEAD}.\n"
                                                     if created else
                                                     "Database upgraded from empty to revision "
                                                     f"{HEAD}.\n")
        again = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert (again.exit_code, again.output) == (0, f"Database already at revision {HEAD}.\n")
        assert table_names(bare_engine) == TABLES
    finally:
        app.extensions["calllog"].close()


def test_a_database_that_cannot_be_opened(tmp_path, caplog) -> None:
    url = f"sqlite:///{tmp_path}"  # a folder, not a file
    app = make_app(url, tmp_path)  # starts all the same: calls must still be answered
    try:
        assert [r.getMessage() for r in caplog.records if r.name == "ivr.calllog"] == [
            "call log: cannot create or upgrade the database "
            "(OperationalError: unable to open database file)"]
        assert caplog.records[-1].levelno == logging.ERROR
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert (result.exit_code, result.output) == (
            1, f"Error: database sqlite:///{tmp_path}: "
               "OperationalError: unable to open database file\n")
    finally:
        app.extensions["calllog"].close()


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_every_postgresql_url_form_hosts_hand_out(postgres_url, scheme) -> None:
    url = scheme + "://" + postgres_url.partition("://")[2]
    engine = database.create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()
