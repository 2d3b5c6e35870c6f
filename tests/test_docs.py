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


def test_the_example_problems_are_what_menus_check_prints(tmp_path):
    menus = tmp_path / "menus"
    shutil.copytree(MENUS, menus)
    main, services = menus / "main.yaml", menus / "services.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("menu: legal", "menu: legl"),
                    encoding="utf-8")
    services.write_text(services.read_text(encoding="utf-8").replace(
        'dial: "+815037545430"', 'dial: "+81570078377"'), encoding="utf-8")
    with pytest.raises(loader.LoadError) as failure:
        loader.load(str(menus), str(tmp_path / "audio"))
    printed = {str(problem) for problem in failure.value.problems}
    examples = re.findall(r"^    (menus/\S+: (?:error|warning): .*)$", MENUS_README, re.MULTILINE)
    assert len(examples) == 2
    assert set(examples) <= printed
