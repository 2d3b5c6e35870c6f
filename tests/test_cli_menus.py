"""`flask --app ivr menus check`: the OK line and exit 0, or every problem and exit 1."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from conftest import AUDIO, MENUS
from flask import Flask

import ivr
from ivr.phonetree import loader

REFUSED = "error(s): these menus would be refused; the hotline keeps serving the last good ones."
# What menus check lists of the fixture's languages, after its OK line: their files say no status.
FIXTURE_LANGUAGES = (
    "Languages:\n"
    "  en English: status not stated; Polly.Joanna (en-US), no recordings\n"
    "  ja 日本語: status not stated; Polly.Mizuki (ja-JP), no recordings\n"
    "  tl Tagalog: status not stated; Google.fil-PH-Standard-A (fil-PH), no recordings\n"
    "Reviewed: none. Drafts, not reviewed: none. Source text: none. "
    "Status not stated: en, ja, tl.\n")


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[[Path, Path], Flask]]:
    """Build apps on a given menus and audio folder, with their own state in tmp_path."""
    apps: list[Flask] = []

    def make(menus_dir: Path, audio_dir: Path) -> Flask:
        app = ivr.create_app({
            "TESTING": True, "IVR_MENUS_DIR": str(menus_dir), "IVR_AUDIO_DIR": str(audio_dir),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}",
            "IVR_SPOOL_DIR": str(tmp_path / "spool"), "IVR_MENU_RELOAD_SECONDS": 0})
        apps.append(app)
        return app
    yield make
    for app in apps:
        calllog = app.extensions.get("calllog")
        if calllog is not None and hasattr(calllog, "close"):
            calllog.close()


def check(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["menus", "check", *args])


@pytest.fixture
def fixture_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fixture menus and recordings that a test may change."""
    menus, audio = tmp_path / "menus", tmp_path / "audio"
    shutil.copytree(MENUS, menus)
    shutil.copytree(AUDIO, audio)
    return menus, audio


def test_menus_without_problems_pass(make_app) -> None:
    tree = loader.load(str(MENUS), str(AUDIO)).tree
    result = check(make_app(MENUS, AUDIO))
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"OK: 1 hotline(s), {len(tree.languages)} language(s), "
                             f"{len(tree.menus)} menu(s), {len(tree.services)} service(s), "
                             "0 warning(s).\n" + FIXTURE_LANGUAGES)
    assert result.stderr == ""


def test_a_broken_tree_lists_every_error_and_exits_1(make_app, tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    menus.mkdir()
    (menus / "hotline.yaml").write_text("hotlines:\n  main:\n\tname: Test line\n")
    (menus / "main.yaml").write_text("menu:\n  main: {}\n")
    result = check(make_app(menus, tmp_path / "audio"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "menus/hotline.yaml:3: error: a tab character: indent with spaces only",
        "menus/main.yaml:1: error: unknown section 'menu' (did you mean 'menus'?); a menu "
        "file holds: hotlines, languages, services, calendars, menus",
        f"2 {REFUSED}"]


def test_a_jump_to_a_missing_menu(make_app, fixture_copy: tuple[Path, Path]) -> None:
    menus, audio = fixture_copy
    main = menus / "main.yaml"
    lines = main.read_text(encoding="utf-8").splitlines(keepends=True)
    where = lines.index("        menu: legal\n")
    lines[where] = "        menu: legl\n"
    main.write_text("".join(lines), encoding="utf-8")
    result = check(make_app(menus, audio))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"menus/main.yaml:{where + 1}: error: menu 'main', option '3': goes to menu 'legl', "
        "which does not exist (did you mean 'legal'?)")
    assert result.stderr.splitlines()[-1] == f"1 {REFUSED}"


def test_warnings_are_printed_and_exit_0(make_app, fixture_copy: tuple[Path, Path]) -> None:
    menus, audio = fixture_copy
    (audio / "en").mkdir(exist_ok=True)
    (audio / "en" / "menu.mian.wav").write_bytes(b"")
    tree = loader.load(str(MENUS), str(AUDIO)).tree
    result = check(make_app(menus, audio))
    assert result.exit_code == 0, result.output
    assert result.stderr == ("audio/en/menu.mian.wav: warning: no prompt is called "
                             "'menu.mian', so this recording is never played (did you mean "
                             "'menu.main'?)\n")
    assert result.stdout == (f"OK: 1 hotline(s), {len(tree.languages)} language(s), "
                             f"{len(tree.menus)} menu(s), {len(tree.services)} service(s), "
                             "1 warning(s).\n" + FIXTURE_LANGUAGES)


def test_the_dir_option_overrides_the_setting(make_app, tmp_path: Path) -> None:
    broken = tmp_path / "elsewhere" / "menus"
    broken.mkdir(parents=True)
    app = make_app(MENUS, AUDIO)
    result = check(app, "--dir", str(broken), "--audio", str(tmp_path / "audio"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["menus: error: no menu files (*.yaml) found here",
                                          f"1 {REFUSED}"]
