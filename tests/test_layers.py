"""The layout's rules hold: which package may import what, no import circle, no clock in the core.

The rules themselves are import-linter contracts in ``pyproject.toml``; these
tests run them, look for circles between any two modules of ``ivr`` (the
package root included), and show on a copy of the package with one bad
import added that each check can fail.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ivr"
PURE = ("phonetree", "call")  # no clock reads: ``now`` is an argument
CLOCK_CALLS = {"now", "utcnow", "today"}  # datetime.now(), date.today()...
TIME_CALLS = {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "localtime",
              "gmtime", "ctime"}

FIND_CIRCLES = """
import json, sys
import grimp
graph = grimp.build_graph("ivr", cache_dir=None)
circles = set()
for importer in sorted(graph.modules):
    for imported in sorted(graph.find_modules_directly_imported_by(importer)):
        back = graph.find_shortest_chain(importer=imported, imported=importer)
        if back:
            circles.add(" -> ".join((importer, *back)))
print(json.dumps(sorted(circles)))
"""


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the contracts of ``root``'s pyproject.toml, on ``root``'s ivr."""
    command = [sys.executable, "-c", "import sys; from importlinter.cli import "
               "lint_imports_command as run; sys.argv[0] = 'lint-imports'; sys.exit(run())",
               "--no-cache"]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def import_circles(root: Path) -> list[str]:
    """Every import circle among the modules of ``root``'s ivr, as 'a -> b -> a'."""
    done = subprocess.run([sys.executable, "-c", FIND_CIRCLES], cwd=root, capture_output=True,
                          text=True, check=True, timeout=120, env={"PYTHONPATH": str(root)})
    return json.loads(done.stdout)


@pytest.fixture
def broken_copy(tmp_path: Path):
    """A copy of the package and its contracts, for adding one bad import."""
    shutil.copytree(PACKAGE, tmp_path / "ivr", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    def add(module: str, line: str) -> Path:
        path = tmp_path / "ivr" / module
        text = path.read_text(encoding="utf-8")
        anchor = "from __future__ import annotations\n"
        path.write_text(text.replace(anchor, anchor + line + "\n", 1), encoding="utf-8")
        return tmp_path

    return add


def test_every_import_contract_is_kept() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_no_module_imports_another_that_imports_it_back() -> None:
    assert import_circles(ROOT) == []


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("phonetree/tree.py", "import flask", "import no web, database or Twilio library BROKEN"),
    ("call/engine.py", "from ivr.calllog import store",
     "Each package imports only the layers below it BROKEN"),
    ("web/voice.py", "import sqlalchemy", "knows neither the database nor staff logins BROKEN"),
    ("staff/calls.py", "from ivr.web import voice",
     "Each package imports only the layers below it BROKEN"),
    ("calllog/store.py", "import twilio", "knows neither Twilio nor the phone tree BROKEN"),
])
def test_a_forbidden_import_breaks_its_contract(broken_copy, module: str, line: str,
                                                contract: str) -> None:
    done = lint_imports(broken_copy(module, line))
    assert done.returncode == 1
    assert contract in " ".join(done.stdout.split())


def test_a_circle_is_found(broken_copy) -> None:
    root = broken_copy("phonetree/report.py", "from ivr.phonetree import loader  # noqa")
    circles = import_circles(root)
    assert "ivr.phonetree.loader -> ivr.phonetree.report -> ivr.phonetree.loader" in circles
    linted = " ".join(lint_imports(root).stdout.split())
    assert "No two sibling modules or packages import each other, even indirectly BROKEN" in linted


def test_a_circle_through_the_package_root_is_found(broken_copy) -> None:
    root = broken_copy("web/devphone.py", "from ivr import create_app  # noqa")
    assert "ivr -> ivr.web.devphone -> ivr" in import_circles(root)


def clock_reads(source: str) -> list[str]:
    """Calls that read the clock, as 'line: name', found in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, owner = node.func.attr, node.func.value
            is_time = isinstance(owner, ast.Name) and owner.id == "time" and attr in TIME_CALLS
            if attr in CLOCK_CALLS or is_time:
                found.append(f"{node.lineno}: {ast.unparse(node.func)}")
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [f"{node.lineno}: from time import {alias.name}" for alias in node.names
                      if alias.name in TIME_CALLS]
    return found


@pytest.mark.parametrize("module", sorted(str(path.relative_to(PACKAGE))
                                          for package in PURE
                                          for path in (PACKAGE / package).glob("*.py")))
def test_the_pure_core_reads_no_clock(module: str) -> None:
    assert clock_reads((PACKAGE / module).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("source", "found"), [
    ("from datetime import datetime\nx = datetime.now()\n", ["2: datetime.now"]),
    ("import datetime\nx = datetime.datetime.now(datetime.UTC)\n", ["2: datetime.datetime.now"]),
    ("from datetime import date\nx = date.today()\n", ["2: date.today"]),
    ("import time\nx = time.time()\n", ["2: time.time"]),
    ("from time import monotonic\n", ["1: from time import monotonic"]),
    ("from datetime import time\nx = time(9, 0)\n", []),
])
def test_the_clock_check_finds_clock_reads(source: str, found: list[str]) -> None:
    assert clock_reads(source) == found


def test_no_module_is_much_longer_than_300_lines() -> None:
    long = {str(path.relative_to(ROOT)): n for path in PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 320}
    assert long == {}
