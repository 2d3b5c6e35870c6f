"""The docs say what the code does: every setting documented, every example true."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import MENUS, ROOT

from ivr.config import SETTINGS
from ivr.phonetree import loader, yamlsource

README = (ROOT / "README.md").read_text(encoding="utf-8")
MENUS_README = (ROOT / "menus" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_every_setting_is_in_the_readme_table(name):
    assert re.search(rf"^\| `{name}` \|", README, re.MULTILINE), f"{name} is not documented"


def test_the_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    assert "\n    bash scripts/dev\n" in README
    assert "\n    bash scripts/test\n" in README
    assert "bash scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("block", re.findall(r"```yaml\n(.*?)```", MENUS_README, re.DOTALL))
def test_every_yaml_example_for_staff_is_valid_yaml(block):
    assert yamlsource.parse(block) is not None


EXAMPLE_EDITS = [("main.yaml", "menu: legal", "menu: legl"),
                 ("services.yaml", 'dial: "+815037545430"', 'dial: "+81570078377"'),
                 ("services.yaml", "number: 03-3595-2487", "number: 3595-248")]


def test_the_example_problems_are_what_menus_check_prints(tmp_path):
    """Each example line of menus/README.md, printed for one edit of the fixture menus
    (a copy of the shipped ones, whose line numbers the README quotes)."""
    printed = set()
    for n, (file, old, new) in enumerate(EXAMPLE_EDITS):
        menus = tmp_path / str(n) / "menus"
        shutil.copytree(MENUS, menus)
        path = menus / file
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        try:
            result = loader.load(str(menus), str(tmp_path / "audio"))
        except loader.LoadError as failure:
            printed |= {str(problem) for problem in failure.problems}
        else:
            printed |= {str(problem) for problem in result.warnings}
    examples = re.findall(r"^    (menus/\S+: (?:error|warning): .*)$", MENUS_README, re.MULTILINE)
    assert len(examples) == len(EXAMPLE_EDITS)
    assert set(examples) <= printed
