"""`flask --app ivr menus import | export | versions`: the menus folder and published versions,
for teams that keep their menus in git."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MENUS

from ivr.menustore import versions


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "menus"
    shutil.copytree(MENUS, copy)
    return copy


@pytest.fixture
def app(make_app, folder):
    return make_app(IVR_MENUS_SOURCE="database", IVR_MENUS_DIR=str(folder))


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["menus", *args])


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.yaml")}


def test_export_gives_back_the_folder_byte_for_byte(app, folder, tmp_path):
    result = run(app, "export", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote version 1 (7 files) to {tmp_path / 'out'}\n"
    assert files_of(tmp_path / "out") == files_of(folder)


def test_import_publishes_a_new_version_only_when_it_passes_and_changed(app, folder, tmp_path):
    result = run(app, "import", "--if-changed")
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        0, "Unchanged: version 1 already holds these files.")

    main = folder / "main.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("menu: legal", "menu: legl"),
                    encoding="utf-8")
    result = run(app, "import", "--note", "broken")
    assert result.exit_code == 1
    assert "menus/main.yaml:35: error: menu 'main', option '3': goes to menu 'legl'" in \
        result.output
    assert "Error: not imported: fix the errors above first" in result.output

    main.write_text(main.read_text(encoding="utf-8").replace("menu: legl", "menu: legal")
                    .replace("Please choose what you need.", "What do you need?"),
                    encoding="utf-8")
    result = run(app, "import", "--note", "from git: a shorter prompt", "--if-changed")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Published version 2: every instance serves it within 0 s.")
    with app.extensions["ivr.menus_engine"]().connect() as connection:
        latest = versions.latest(connection)
    assert (latest.kind, latest.author, latest.note) == (
        "import", "command line", "from git: a shorter prompt")

    result = run(app, "export", "--version", "1", str(tmp_path / "v1"))
    assert files_of(tmp_path / "v1")["main.yaml"] == (MENUS / "main.yaml").read_bytes()
    result = run(app, "versions")
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["2", "1"]
    assert lines[0].endswith("import   command line: from git: a shorter prompt")
    assert lines[1].endswith("seed     menus folder: The menus folder, published at the "
                             "first start")


def test_export_of_a_missing_version_says_so(app, tmp_path):
    result = run(app, "export", "--version", "7", str(tmp_path / "out"))
    assert (result.exit_code, result.output) == (1, "Error: no version 7\n")
