"""Edited menus are served without a restart; a rejected edit keeps the last good tree,
also across a restart, and says so on /healthz and on every staff page."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from conftest import AUDIO, MENUS, post, says, twiml

from ivr.live import menus as live
from ivr.live.snapshot import Snapshot
from ivr.live.sources import FolderSource

URL = "/voice/menu?h=main&l=en&t=main"
BROKEN_ERROR = {"file": "menus/main.yaml", "line": 35,
                "message": "menu 'main', option '3': goes to menu 'legl', which does not exist "
                           "(did you mean 'legal'?)"}


@pytest.fixture
def menus_dir(tmp_path):
    folder = tmp_path / "menus"
    shutil.copytree(MENUS, folder)
    return folder


def edit(menus_dir, old: str, new: str) -> None:
    main = menus_dir / "main.yaml"
    text = main.read_text(encoding="utf-8")
    assert old in text
    main.write_text(text.replace(old, new), encoding="utf-8")


def first_words(client) -> str:
    return says(twiml(post(client, URL)))[0][1]


def test_edits_are_picked_up_and_broken_edits_are_refused(make_app, menus_dir, caplog):
    app = make_app(IVR_MENUS_DIR=str(menus_dir), IVR_MENU_RELOAD_SECONDS=60)
    holder, client = live.of(app), app.test_client()
    assert first_words(client) == "Please choose what you need."

    edit(menus_dir, "Please choose what you need.", "What do you need?")
    assert holder.check() is True
    assert first_words(client) == "What do you need?"
    good = holder.current.version

    edit(menus_dir, "menu: legal", "menu: legl")
    assert holder.check() is False
    assert first_words(client) == "What do you need?"
    assert ("menus/main.yaml:35: error: menu 'main', option '3': goes to menu 'legl', which "
            "does not exist (did you mean 'legal'?)") in caplog.text
    assert f"serving the last good menus, version {good}" in caplog.text
    assert client.get("/healthz").json == {
        "status": "degraded", "menus": good, "serving": "last good menus", "menu_errors": 1,
        "first_error": BROKEN_ERROR, "source_error": None}

    edit(menus_dir, "menu: legl", "menu: legal")
    assert holder.check() is False  # fixed: the same tree as before, now from the files
    assert client.get("/healthz").json == {
        "status": "ok", "menus": good, "serving": "menus", "menu_errors": 0, "first_error": None,
        "source_error": None}


def test_the_watcher_thread_reloads_without_a_request(make_app, menus_dir):
    app = make_app(IVR_MENUS_DIR=str(menus_dir), IVR_MENU_RELOAD_SECONDS=0.05)
    holder = live.of(app)
    before = holder.get().version  # the first look starts this process's watcher
    edit(menus_dir, "Please choose what you need.", "What do you need?")
    deadline = time.monotonic() + 5
    while holder.current.version == before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert holder.current.version != before
    assert first_words(app.test_client()) == "What do you need?"


def test_every_answer_names_the_tree_version_it_used(make_app, menus_dir):
    app = make_app(IVR_MENUS_DIR=str(menus_dir))
    client = app.test_client()
    version = client.get("/healthz").json["menus"]
    assert len(version) == 12
    for url in ("/voice", URL, "/voice/dialled?h=main&l=en&t=iom"):
        assert client.post(url).headers["X-IVR-Tree"] == version
    edit(menus_dir, "Please choose what you need.", "What do you need?")
    live.of(app).check()
    assert client.post(URL).headers["X-IVR-Tree"] not in (version, "none")


def test_the_version_is_the_content_not_the_file_times(make_app, menus_dir, tmp_path):
    """Two folders with the same texts (copied at different times) get the same version."""
    other = tmp_path / "copy" / "menus"
    time.sleep(0.01)
    shutil.copytree(menus_dir, other)
    one = make_app(IVR_MENUS_DIR=str(menus_dir))
    two = make_app(IVR_MENUS_DIR=str(other), INSTANCE_PATH=str(tmp_path / "two"))
    assert live.of(one).current.tree.version == live.of(two).current.tree.version


def test_a_process_starting_during_a_bad_edit_serves_the_last_good_tree(make_app, menus_dir,
                                                                       caplog):
    """A new worker (or one recycled by max_requests) finds the snapshot of the last good tree."""
    first = make_app(IVR_MENUS_DIR=str(menus_dir))
    good = live.of(first).current.version
    edit(menus_dir, "menu: legal", "menu: legl")

    restarted = make_app(IVR_MENUS_DIR=str(menus_dir))
    client = restarted.test_client()
    assert live.of(restarted).current.origin == "snapshot"
    assert first_words(client) == "Please choose what you need."
    assert client.post(URL).headers["X-IVR-Tree"] == good
    assert client.get("/healthz").json == {
        "status": "degraded", "menus": good, "serving": "last good menus", "menu_errors": 1,
        "first_error": BROKEN_ERROR, "source_error": None}
    assert f"serving the last good menus, version {good}, from the snapshot" in caplog.text


def test_without_a_snapshot_a_bad_edit_at_start_gets_the_fallback(make_app, menus_dir):
    edit(menus_dir, "menu: legal", "menu: legl")
    client = make_app(IVR_MENUS_DIR=str(menus_dir)).test_client()
    response = client.post(URL)
    assert response.headers["X-IVR-Tree"] == "none"
    assert [verb.tag for verb in twiml(response)] == [
        "Say", "Say", "Say", "Dial", "Say", "Say", "Say", "Hangup"]
    assert client.get("/healthz").json == {
        "status": "degraded", "menus": None, "serving": "fallback", "menu_errors": 1,
        "first_error": BROKEN_ERROR, "source_error": None}


def test_workers_converge_on_the_newest_good_tree_when_an_edit_is_rejected(menus_dir, tmp_path):
    """Worker A saw edit 2, worker B did not yet; then edit 3 is broken: both serve edit 2."""
    snapshot = Snapshot(tmp_path / "instance" / live.SNAPSHOT_FILE)
    source = FolderSource(str(menus_dir), str(AUDIO))
    a, b = live.Menus(source, 60, snapshot), live.Menus(source, 60, snapshot)
    a.load(), b.load()
    edit(menus_dir, "Please choose what you need.", "What do you need?")
    assert a.check() is True
    second = a.current.version
    edit(menus_dir, "menu: legal", "menu: legl")
    assert b.check() is True  # B adopts A's good tree from the snapshot
    assert (a.current.version, b.current.version) == (second, second)
    assert b.current.origin == "snapshot" and a.check() is False


def test_a_damaged_snapshot_is_ignored(menus_dir, tmp_path, caplog):
    path = tmp_path / live.SNAPSHOT_FILE
    path.write_text('{"root": "menus", "files": ', encoding="utf-8")
    edit(menus_dir, "menu: legal", "menu: legl")
    holder = live.Menus(FolderSource(str(menus_dir), str(AUDIO)), 0, Snapshot(path))
    assert holder.load() is False and holder.current is None
    assert f"the last good tree in {path} cannot be read (JSONDecodeError)" in caplog.text


def test_the_snapshot_holds_the_files_texts(make_app, menus_dir, tmp_path):
    make_app(IVR_MENUS_DIR=str(menus_dir))
    data = json.loads((tmp_path / "instance" / live.SNAPSHOT_FILE).read_text(encoding="utf-8"))
    assert data["root"] == "menus"
    assert data["files"]["main.yaml"] == (menus_dir / "main.yaml").read_text(encoding="utf-8")
    assert sorted(data["files"]) == sorted(
        str(p.relative_to(menus_dir)) for p in menus_dir.rglob("*.yaml"))


def test_with_reload_off_nothing_is_stat_per_request(make_app, monkeypatch):
    from ivr.live import sources

    client = make_app(IVR_MENU_RELOAD_SECONDS=0).test_client()
    calls = []
    monkeypatch.setattr(sources, "fingerprint", lambda *a: calls.append(a) or "x")
    for _ in range(3):
        twiml(post(client, URL))
    assert calls == []


def test_an_unreadable_menu_file_keeps_the_last_good_tree(make_app, menus_dir, monkeypatch):
    app = make_app(IVR_MENUS_DIR=str(menus_dir))
    real_open = open

    def refusing(path, *args, **kwargs):
        if str(path).endswith("main.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    (menus_dir / "main.yaml").touch()
    monkeypatch.setattr("builtins.open", refusing)
    live.of(app).check()
    assert first_words(app.test_client()) == "Please choose what you need."
    problems = [str(p) for p in live.of(app).errors]
    assert problems == ["menus/main.yaml:1: error: the file cannot be read (Permission denied)"]
