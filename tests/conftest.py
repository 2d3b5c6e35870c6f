"""Fixtures shared by the tests: an app on the fixture menus, its client, a settable clock,
and an empty database per test on SQLite and on PostgreSQL.

The tests run on the fixture tree in tests/menus and tests/audio (the shipped
menus as they were, frozen for the tests), never on the shipped menus/ and
audio/, which operators edit: a test that loads or copies those fails, naming
itself. Only tests/test_shipped_menus.py checks the shipped tree.

PostgreSQL tests use ``IVR_TEST_POSTGRES_URL`` (default: the CI server,
postgresql+psycopg://postgres@127.0.0.1:5432/test), each in a schema of its
own. When the server cannot be reached they are skipped, except in CI
(``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

import ivr
from ivr.calllog.writer import describe
from ivr.config import database_url as normalise_url
from ivr.db import database
from ivr.phonetree import loader

ROOT = Path(__file__).resolve().parent.parent
MENUS, AUDIO = ROOT / "tests" / "menus", ROOT / "tests" / "audio"  # the fixture tree
SHIPPED = (ROOT / "menus", ROOT / "audio")  # what operators edit
SHIPPED_TEST = "tests/test_shipped_menus.py::"
JST = ZoneInfo("Asia/Tokyo")
SID = "CA" + "0123456789abcdef" * 2
POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def jst(text: str) -> datetime:
    """'2026-11-24 12:45' as an aware Japan-time datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=JST)


class Clock:
    """A clock the test sets; the app reads it instead of the real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _not_shipped(use):
    """Wrap ``use(folder, folder, ...)`` (a load, a copy) so that a test giving it the
    shipped menus or audio fails."""
    def guarded(*args, **kwargs):
        test = os.environ.get("PYTEST_CURRENT_TEST", "")
        for folder in args[:2]:
            if Path(folder).resolve() in SHIPPED and not test.startswith(SHIPPED_TEST):
                pytest.fail(f"{test or 'a test module'} reads the shipped {Path(folder).name}/,"
                            " which operators edit: use the fixture tree (conftest MENUS, "
                            f"AUDIO, menus_copy); only {SHIPPED_TEST[:-2]} checks the shipped "
                            "one", pytrace=False)
        return use(*args, **kwargs)
    return guarded


loader.load = _not_shipped(loader.load)
shutil.copytree = _not_shipped(shutil.copytree)


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def menus_copy(tmp_path: Path) -> Path:
    """A copy of the fixture menus that the test may edit, at tmp_path/menus."""
    return Path(shutil.copytree(MENUS, tmp_path / "menus"))


def break_main_menu(folder: Path) -> None:
    """Make ``folder``'s main.yaml fail the checks: option 3 goes to a menu that does not exist
    (menus/main.yaml:35, the README's example of a rejected edit)."""
    main = folder / "main.yaml"
    text = main.read_text(encoding="utf-8")
    assert "menu: legal" in text
    main.write_text(text.replace("menu: legal", "menu: legl"), encoding="utf-8")


@pytest.fixture
def clock() -> Clock:
    return Clock(jst("2026-11-24 10:00"))  # a Tuesday morning, every office open


def with_schema(url: str, schema: str) -> str:
    """Return ``url`` with a search_path, so every table lives in ``schema``; its connections
    are named after the schema, so the test's end can find them."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}",
                                            "application_name": schema}) \
        .render_as_string(hide_password=False)


def admin(url: str, *statements: str) -> None:
    """Run statements outside a transaction (CREATE DATABASE cannot run inside one)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Return the test server's URL, or skip (fail in CI) when it cannot be reached."""
    url = normalise_url(os.environ.get("IVR_TEST_POSTGRES_URL", POSTGRES_DEFAULT))
    engine = database.create_engine(url, busy_timeout=3)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        message = f"PostgreSQL unreachable at {make_url(url)!r}: {describe(exc)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'calls.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_url")
    schema = f"calllog_test_{uuid.uuid4().hex[:12]}"
    admin(server, f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(server, schema)
    finally:
        # an app the test made may still hold a connection (its fixture ends after this
        # one): end them, or dropping the schema waits on their locks, or deadlocks
        admin(server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      f"WHERE application_name = '{schema}' AND pid <> pg_backend_pid()",
              f"DROP SCHEMA {schema} CASCADE")


@dataclass
class Outage:
    """A migrated database the test can make unavailable, and bring back."""

    url: str
    block: Callable[[], object]
    unblock: Callable[[], object]


@pytest.fixture
def outage(database_url: str) -> Iterator[Outage]:
    """A SQLite file another connection can lock, or a PostgreSQL database of its own."""
    if database_url.startswith("sqlite"):
        yield from _sqlite_outage(database_url)
    else:
        yield from _postgres_outage(database_url)


def _migrated(url: str) -> None:
    engine = database.create_engine(url)
    database.upgrade(engine)
    engine.dispose()


def _sqlite_outage(url: str) -> Iterator[Outage]:
    """Lock the SQLite file with an exclusive transaction of another connection."""
    _migrated(url)
    locker = sqlite3.connect(make_url(url).database, isolation_level=None)
    try:
        yield Outage(url, lambda: locker.execute("BEGIN EXCLUSIVE"),
                     lambda: locker.execute("ROLLBACK"))
    finally:
        locker.close()


def _postgres_outage(url: str) -> Iterator[Outage]:
    """Use a database of its own, whose connections the test refuses and cuts."""
    name = f"calllog_outage_{uuid.uuid4().hex[:10]}"
    server = make_url(url).set(query={}).render_as_string(hide_password=False)
    admin(server, f"CREATE DATABASE {name}")
    own = make_url(server).set(database=name).render_as_string(hide_password=False)
    _migrated(own)
    block = (f"ALTER DATABASE {name} ALLOW_CONNECTIONS false",
             "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    try:
        yield Outage(own, lambda: admin(server, *block),
                     lambda: admin(server, f"ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
    finally:
        admin(server, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """``database_url`` with the call log's tables created (PostgreSQL is not auto-migrated)."""
    _migrated(database_url)
    return database_url


@pytest.fixture
def make_app(tmp_path: Path, clock: Clock) -> Iterator[Callable[..., Flask]]:
    """Build apps on the fixture menus, with their state in tmp_path; close their logs after."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        settings = {"TESTING": True, "IVR_ALLOW_UNSIGNED": True,
                    "INSTANCE_PATH": str(tmp_path / "instance"),
                    "IVR_MENUS_DIR": str(MENUS), "IVR_AUDIO_DIR": str(AUDIO),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}",
                    "IVR_SPOOL_DIR": str(tmp_path / "spool"), "IVR_MENU_RELOAD_SECONDS": 0,
                    "IVR_MENUS_SOURCE": "folder",
                    "IVR_CALLER_HASH_KEY": "test-key", **config}
        app = ivr.create_app(settings)
        app.extensions["ivr.clock"] = clock
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["ivr.menus"].close()
        app.extensions["ivr.menus_engine"].dispose()
        calllog = app.extensions.get("calllog")  # `flask call` closes and drops it itself
        if calllog is not None:
            calllog.close(timeout=5)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def twiml(response: Any) -> ET.Element:
    """The response's TwiML as XML, after checking it is a 200 text/xml answer."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def post(client: FlaskClient, url: str, **params: str) -> Any:
    """POST ``params`` to ``url`` as Twilio does, for the test call."""
    form = {"CallSid": SID, "From": "+819012345678", "To": "+815000000000", **params}
    return client.post(url, data=form)


def says(element: ET.Element) -> list[tuple[str, str]]:
    """Every <Say> under ``element`` as (language, text), in order."""
    return [(say.get("language", ""), "".join(say.itertext()).strip())
            for say in element.iter("Say")]
