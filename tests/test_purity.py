"""The pure core neither imports the web, database or Twilio libraries nor reads the clock.

The package's ``__init__`` is the Flask app factory (an adapter), so importing
``ivr.hours`` the ordinary way imports Flask through it. The import check
therefore loads the core modules under a bare ``ivr`` package, in a fresh
interpreter: what is left in ``sys.modules`` is what the core itself imports.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ivr"
CORE = ("tree", "hours", "yamlsource", "loader", "fields", "schema", "languages", "checks", "steps",
        "recordings", "voices", "speech", "engine", "connect", "state", "events")
FORBIDDEN = ("flask", "werkzeug", "sqlalchemy", "twilio")
CLOCK_CALLS = {"now", "utcnow", "today"}  # datetime.now(), date.today()...
TIME_CALLS = {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "localtime",
              "gmtime", "ctime"}

IMPORT_CORE = """
import importlib, json, sys, types
package = types.ModuleType("ivr")
package.__path__ = [sys.argv[1]]
sys.modules["ivr"] = package
for name in sys.argv[3:]:
    importlib.import_module("ivr." + name)
forbidden = sys.argv[2].split(",")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(forbidden))))
"""


def imported_forbidden(modules: tuple[str, ...]) -> list[str]:
    """The forbidden top-level packages loaded by importing ``modules`` in a new interpreter."""
    done = subprocess.run([sys.executable, "-c", IMPORT_CORE, str(PACKAGE), ",".join(FORBIDDEN),
                           *modules], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def test_the_core_imports_no_web_database_or_twilio_library() -> None:
    assert imported_forbidden(CORE) == []


def test_the_import_check_sees_an_adapter() -> None:
    """The same check catches a module that does import Flask (so it can fail)."""
    assert "flask" in imported_forbidden(("menus",))


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


@pytest.mark.parametrize("module", CORE)
def test_the_core_reads_no_clock(module: str) -> None:
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    assert clock_reads(source) == []


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
