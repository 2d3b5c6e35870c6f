"""Published versions and the shared draft: numbering, history, rollback, no lost saves."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ivr.menustore import drafts, versions
from ivr.menustore.drafts import Conflict
from ivr.menustore.schema import menu_versions
from ivr.menustore.versions import VersionError

from .conftest import NOW, audit_rows

ONE = {"main.yaml": "menus:\n  main: {}\n", "languages/en.yaml": "languages: {}\n"}
TWO = {**ONE, "main.yaml": "menus:\n  main: {prompt: x}\n"}


def publish(engine, files, kind="publish", note="why", author="alice", **extra):
    with engine.begin() as connection:
        return versions.add(connection, files, "menus", kind=kind, note=note, author=author,
                            now=NOW, **extra)


def test_versions_are_numbered_and_kept_newest_first(engine):
    first = publish(engine, ONE, kind="seed", note="first", author="menus folder")
    second = publish(engine, TWO, note="  a new prompt  ")
    assert (first.number, second.number) == (1, 2)
    assert second.note == "a new prompt" and second.files == TWO and second.root == "menus"
    assert second.digest == versions.digest("menus", TWO) != first.digest
    with engine.connect() as connection:
        assert versions.latest(connection).number == 2
        assert versions.get(connection, 1).files == ONE
        assert versions.get(connection, 3) is None
        listed = versions.history(connection)
    assert [(v.number, v.kind, v.author, v.note, dict(v.files)) for v in listed] == [
        (2, "publish", "alice", "a new prompt", {}), (1, "seed", "menus folder", "first", {})]


def test_a_rollback_is_a_new_version_with_the_old_files(engine):
    publish(engine, ONE)
    publish(engine, TWO)
    with engine.begin() as connection:
        third = versions.rollback(connection, 1, note="back to one", author="bob", now=NOW)
    assert (third.number, third.kind, third.based_on, dict(third.files)) == (
        3, "rollback", 1, ONE)
    assert audit_rows(engine)[-1] == ("bob", "rollback", "version 3", {
        "note": "back to one", "based_on": 1, "digest": third.digest[:12]})
    with engine.begin() as connection, pytest.raises(VersionError) as raised:
        versions.rollback(connection, 9, note="x", author="bob", now=NOW)
    assert str(raised.value) == "there is no version 9"


@pytest.mark.parametrize("note", ["", "   "])
def test_a_version_needs_a_note(engine, note):
    with pytest.raises(VersionError) as raised:
        publish(engine, ONE, note=note)
    assert str(raised.value) == "say in a few words what changed and why: the note is required"
    with engine.connect() as connection:
        assert versions.latest(connection) is None


def test_two_publishers_cannot_take_the_same_number(engine, monkeypatch):
    publish(engine, ONE)
    monkeypatch.setattr(versions, "latest_number", lambda connection: 0)  # a stale read
    with pytest.raises(VersionError) as raised:
        publish(engine, TWO)
    assert str(raised.value) == ("version 1 was published by someone else a moment ago: look "
                                 "at it, then try again")
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(menu_versions)
                                  ).scalar() == 1


def test_the_draft_is_shared_and_a_stale_save_is_refused(engine):
    base = publish(engine, ONE)
    with engine.begin() as connection:
        started = drafts.start(connection, base, "alice", NOW)
    assert (started.revision, started.base, dict(started.files)) == (1, 1, ONE)
    later = NOW + timedelta(minutes=3)
    with engine.begin() as connection:  # bob saves first
        saved = drafts.save(connection, TWO, 1, "bob", later)
    assert (saved.revision, saved.updated_by, dict(saved.files)) == (2, "bob", TWO)
    with engine.begin() as connection, pytest.raises(Conflict) as raised:  # alice, from rev 1
        drafts.save(connection, ONE, 1, "alice", later)
    assert str(raised.value) == ("bob saved the draft at 2026-12-02 01:03 UTC after you opened "
                                 "it (revision 2): your change was not saved")
    with engine.connect() as connection:
        assert dict(drafts.get(connection).files) == TWO  # bob's work is intact


def test_a_draft_survives_and_can_be_discarded_once(engine):
    base = publish(engine, ONE)
    with engine.begin() as connection:
        drafts.start(connection, base, "alice", NOW)
    with engine.begin() as connection, pytest.raises(Conflict):
        drafts.start(connection, base, "bob", NOW)  # one draft at a time
    with engine.begin() as connection:
        drafts.remove(connection, 1, "alice", NOW)
    assert audit_rows(engine)[-1] == ("alice", "draft.discard", "draft", {"revision": 1})
    with engine.begin() as connection, pytest.raises(Conflict) as raised:
        drafts.remove(connection, 1, "bob", NOW)
    assert str(raised.value).startswith("the draft was published or discarded meanwhile")
