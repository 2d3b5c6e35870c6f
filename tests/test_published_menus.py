"""Menus from the database: the folder seeds version 1, a published version or a notice
reaches calls on every instance sharing the database, and an outage keeps the last good tree."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from conftest import MENUS, _postgres_outage, break_main_menu, jst, post, says, twiml

from ivr.db import database
from ivr.live import menus as live
from ivr.live.sources import Unavailable
from ivr.menustore import notices, versions

MENU = "/voice/menu?h=main&l=en&t=main"
IOM = "/voice/service?h=main&l=en&t=iom&o=main"


@pytest.fixture
def published(make_app, migrated_url, tmp_path):
    """Make apps ("instances") sharing one migrated database, serving published versions."""
    def make(name: str = "one", **config):
        settings = {"DATABASE_URL": migrated_url, "IVR_MENUS_SOURCE": "database",
                    "INSTANCE_PATH": str(tmp_path / name), **config}
        return make_app(**settings)
    return make


def engine(app):
    return app.extensions["ivr.menus_engine"]()


def test_the_first_start_publishes_the_menus_folder_once(published):
    first, second = published("one"), published("two")
    with engine(first).connect() as connection:
        listed = versions.history(connection)
    assert [(v.number, v.kind, v.author) for v in listed] == [(1, "seed", "menus folder")]
    assert live.of(first).current.version == live.of(second).current.version
    folder = {p.relative_to(MENUS).as_posix(): p.read_text(encoding="utf-8")
              for p in (MENUS).rglob("*.yaml")}
    with engine(first).connect() as connection:
        assert dict(versions.latest(connection).files) == folder


def test_workers_starting_together_publish_the_folder_once(published, migrated_url,
                                                          monkeypatch, caplog):
    """Another worker publishes the folder between this one's look and its own insert."""
    real = versions.add

    def another_worker_first(connection, files, root, **options):
        theirs = database.create_engine(migrated_url)
        try:
            with theirs.begin() as other:
                real(other, files, root, **options)
        finally:
            theirs.dispose()
        return real(connection, files, root, **options)

    monkeypatch.setattr(versions, "add", another_worker_first)
    app = published("one")
    with engine(app).connect() as connection:
        listed = versions.history(connection)
    assert [(v.number, v.kind) for v in listed] == [(1, "seed")]
    assert (live.of(app).current.origin, live.of(app).current.version) == (
        "source", live.of(published("two")).current.version)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
            and r.name.startswith("ivr.live")] == []


def test_a_cut_between_the_look_and_the_read_keeps_the_tree(published, monkeypatch):
    """The database answers the look for changes, then fails the read: the same as an
    outage at the look (the watcher's thread must not meet the error)."""
    menus = live.of(published("one"))
    version, said = menus.current.version, "the database cannot be reached to read the menus"

    def cut():
        raise Unavailable(said)

    monkeypatch.setattr(menus.source, "stamp", lambda: "a newer version")
    monkeypatch.setattr(menus.source, "read", cut)
    assert [menus.check(), menus.check()] == [False, False]
    assert (menus.current.version, menus.outage) == (version, said)


def test_a_published_version_reaches_a_call_on_another_instance(published, clock):
    one, two = published("one"), published("two")
    with engine(one).begin() as connection:
        old = versions.latest(connection)
        files = {**old.files, "main.yaml": old.files["main.yaml"].replace(
            "en: Please choose what you need.", "en: What do you need today?")}
        versions.add(connection, files, old.root, kind="publish", note="friendlier",
                     author="alice", now=clock())
    client = two.test_client()
    assert says(twiml(post(client, MENU)))[0] == ("en-US", "Please choose what you need.")
    assert live.of(two).check() is True  # its watcher's next look, within the interval
    assert says(twiml(post(client, MENU)))[0] == ("en-US", "What do you need today?")
    assert live.of(one).check() is True
    assert post(one.test_client(), MENU).headers["X-IVR-Tree"] == live.of(two).current.version


def test_a_notice_closes_a_service_on_every_instance_until_it_ends(published, clock):
    one, two = published("one"), published("two")
    clock.now = jst("2026-11-24 10:15")  # a Tuesday morning: IOM is open
    assert twiml(post(two.test_client(), IOM)).find("Dial/Number").text == "+81335952487"
    with engine(one).begin() as connection:
        notices.create(connection, services=["iom"], open=False, start=clock(),
                       end=jst("2026-11-24 15:00"),
                       reason={"en": "the office is moving", "ja": "事務所移転のため",
                               "tl": "lumilipat ang opisina"},
                       note="IOM phoned", author="alice", now=clock())
    live.of(two).check()
    heard = [text for _, text in says(twiml(post(two.test_client(), IOM)))]
    assert heard[:3] == ["IOM Tokyo is closed now.", "It is closed for now: the office is "
                         "moving.", "It opens again today at 15:00."]
    assert twiml(post(two.test_client(), IOM)).find("Dial") is None
    clock.now = jst("2026-11-24 15:00")
    assert twiml(post(two.test_client(), IOM)).find("Dial/Number").text == "+81335952487"


@pytest.fixture
def pg_outage(request):
    """A PostgreSQL database of its own the test can refuse and cut (SQLite in WAL mode
    keeps answering reads while another connection holds its write lock)."""
    yield from _postgres_outage(request.getfixturevalue("postgres_url"))


@pytest.mark.postgres
def test_an_outage_at_start_serves_the_snapshot_then_the_folder(published, pg_outage, caplog):
    """A database outage never leaves callers without menus."""
    outage = pg_outage
    first = published("one", DATABASE_URL=outage.url)
    good = live.of(first).current.version
    outage.block()
    try:
        restarted = published("one", DATABASE_URL=outage.url)  # same instance folder
        fresh = published("fresh", DATABASE_URL=outage.url)     # a new machine: no snapshot
    finally:
        outage.unblock()
    assert (live.of(restarted).current.origin, live.of(restarted).current.version) == (
        "snapshot", good)
    assert live.of(fresh).current.origin == "menus folder"
    assert says(twiml(post(fresh.test_client(), MENU)))[0] == (
        "en-US", "Please choose what you need.")
    body = restarted.test_client().get("/healthz").json
    assert body["status"] == "degraded" and body["serving"] == "last good menus"
    assert "menus: cannot look for changes in the database (OperationalError)" in caplog.text


@pytest.mark.postgres
def test_an_outage_during_service_keeps_the_tree_and_says_so_once(published, pg_outage, caplog):
    caplog.set_level(logging.INFO)
    outage = pg_outage
    app = published("one", DATABASE_URL=outage.url)
    version = live.of(app).current.version
    outage.block()
    try:
        assert [live.of(app).check() for _ in range(3)] == [False, False, False]
    finally:
        outage.unblock()
    assert live.of(app).current.version == version
    assert caplog.text.count("cannot look for changes in the database") == 1
    live.of(app).check()
    assert "menus: the database is back" in caplog.text


def test_a_broken_folder_is_not_seeded(published, menus_copy, migrated_url):
    folder = menus_copy
    break_main_menu(folder)
    app = published("one", IVR_MENUS_DIR=str(folder))
    assert live.of(app).current is None
    assert str(live.of(app).errors[0]).startswith("menus/main.yaml:35: error: menu 'main'")
    check = database.create_engine(migrated_url)
    with check.connect() as connection:
        assert versions.latest(connection) is None
    check.dispose()


def test_notices_in_the_folder_mode_too(make_app, migrated_url, clock):
    app = make_app(DATABASE_URL=migrated_url, IVR_MENUS_SOURCE="folder")
    clock.now = jst("2026-11-24 10:15")
    with engine(app).begin() as connection:
        notices.create(connection, services=[], open=False, start=clock(),
                       end=clock() + timedelta(hours=1), reason={"en": "a typhoon"},
                       note="", author="alice", now=clock())
    live.of(app).check()
    heard = [text for _, text in says(twiml(post(app.test_client(), IOM)))]
    assert heard[1] == "It is closed for now: a typhoon."
