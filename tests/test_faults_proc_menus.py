"""The menus are broken while calls come in: the last good tree keeps serving every caller.

A real gunicorn (the Procfile's command, two workers) serves the menus folder
(``IVR_MENUS_SOURCE=folder``, looked at every 0.2 s) while six clients post
new calls without pause. Then a menu file is replaced by a broken one, or the
whole folder by one holding a broken file, as a bad deploy or a careless copy
would, or by a plain file. Every request before, during and after must get
the same greeting from the same tree (``X-IVR-Tree``), both workers must log
the error with its file and line (no line for a file where the folder was),
``/healthz`` must say ``degraded`` with that file and line, and every call
must reach the database.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest
from conftest import AUDIO, MENUS
from faults_support import Load, events_per_call, greeting, start, wait_for, wait_stored

from ivr.phonetree import loader
from ivr.phonetree.bundle import read_folder
from ivr.phonetree.report import LoadError

pytestmark = pytest.mark.e2e


def break_a_file(menus: Path) -> None:
    """main.yaml replaced (atomically, as an editor saves) by one whose option goes nowhere."""
    text = (menus / "main.yaml").read_text(encoding="utf-8")
    assert text.count("menu: legal") == 1
    draft = menus / ".main.yaml.new"
    draft.write_text(text.replace("menu: legal", "menu: legl"), encoding="utf-8")
    os.replace(draft, menus / "main.yaml")


def break_the_folder(menus: Path) -> None:
    """The folder replaced by another whose main.yaml was cut short (a copy that failed)."""
    other = menus.with_name("menus-new")
    shutil.copytree(menus, other)
    text = (other / "main.yaml").read_text(encoding="utf-8")
    (other / "main.yaml").write_text(text[:len(text) // 2] + "\n  - key: [\n", encoding="utf-8")
    menus.rename(menus.with_name("menus-old"))
    other.rename(menus)


def replace_the_folder_by_a_file(menus: Path) -> None:
    """Where the folder was, a file (an archive unpacked wrongly): no menu file at all."""
    menus.rename(menus.with_name("menus-old"))
    menus.write_text("menus: [this is not a folder\n", encoding="utf-8")


def first_error(menus: Path) -> tuple[str, int, str]:
    """The first error the loader finds in the broken folder: what the server must report."""
    with pytest.raises(LoadError) as caught:
        loader.load_bundle(read_folder(str(menus), str(AUDIO)))
    problem = next(p for p in caught.value.problems if p.level == "error")
    return problem.file, problem.line, problem.message


def logged(file: str, line: int, message: str) -> str:
    return f"{file}:{line}: error: {message}" if line else f"{file}: error: {message}"


def health(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        assert response.status == 200
        return json.load(response)


@pytest.mark.parametrize("breaking", [break_a_file, break_the_folder,
                                      replace_the_folder_by_a_file])
def test_broken_menus_during_traffic_keep_the_last_good_tree(tmp_path, breaking):
    menus = tmp_path / "menus"
    shutil.copytree(MENUS, menus)
    server = start(tmp_path, IVR_MENUS_SOURCE="folder", IVR_MENUS_DIR=str(menus),
                   IVR_MENU_RELOAD_SECONDS="0.2")
    url = f"sqlite:///{tmp_path / 'ivr.sqlite3'}"
    try:
        per_call = events_per_call(server, url)
        good = health(server.port)
        assert (good["status"], good["serving"]) == ("ok", "menus")
        with Load(server.port) as load:
            wait_for(lambda: load.count() >= 30, "calls before the edit")
            breaking(menus)
            log_text = lambda: server.log.read_text(errors="replace")  # noqa: E731
            wait_for(lambda: log_text().count("rejected (serving the last good menus") == 2,
                     "both workers to reject the edit")
            during = load.count()
            wait_for(lambda: load.count() >= during + 30, "calls after the edit")
        answers = load.answers
        report = health(server.port)
        log = wait_stored(url, lambda log: len(log.per_call) == len(answers) + 1)
    finally:
        server.stop()
    file, line, message = first_error(menus)
    if breaking is replace_the_folder_by_a_file:
        assert (file, line, message) == ("menus", 0, "no menu files (*.yaml) found here")
    else:
        assert file.startswith("menus/") and line > 0
    text = server.log.read_text(errors="replace")
    assert text.count(logged(file, line, message)) == 2  # each worker, once
    assert text.count(f"serving the last good menus, version {good['menus']}") == 2
    assert "Traceback" not in text

    assert [a.error for a in answers] == [None] * len(answers)
    assert {(a.status, a.tree, a.body) for a in answers} == {
        (200, good["menus"], greeting(tmp_path / "expected"))}
    assert report == {"status": "degraded", "menus": good["menus"],
                      "serving": "last good menus", "menu_errors": report["menu_errors"],
                      "first_error": {"file": file, "line": line, "message": message},
                      "source_error": None}
    assert report["menu_errors"] >= 1
    assert set(log.per_call.values()) == {per_call}  # every call, each event once
    assert {a.sid for a in answers} <= set(log.per_call)
    assert log.events == log.uids == per_call * (len(answers) + 1)
