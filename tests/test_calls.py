"""Golden call transcripts: a call (time, keys, dial outcomes) -> what is heard, where it goes.

Each file in tests/calls/ holds the call on its first lines and, after a
'---' line, the transcript the simulator must print for it, through the real
webhooks and the fixture menus (tests/menus). After a deliberate change of
those or of the engine, run ``IVR_UPDATE_GOLDENS=1 bash scripts/test
tests/test_calls.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import jst

from ivr.web import simulator

CALLS = sorted((Path(__file__).parent / "calls").glob("*.call"))


def read(path: Path) -> tuple[dict[str, str], str]:
    head, _, expected = path.read_text(encoding="utf-8").partition("\n---\n")
    fields = dict(line.split(":", 1) for line in head.splitlines() if not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in fields.items()}, expected


@pytest.mark.parametrize("path", CALLS, ids=[p.stem for p in CALLS])
def test_call_transcript(make_app, path):
    fields, expected = read(path)
    call = simulator.Call(at=jst(fields["at"]),
                          keys=[k for k in fields.get("keys", "").split(",") if k],
                          dial=[d for d in fields.get("dial", "completed").split(",") if d])
    heard = "\n".join(simulator.run(make_app(), call)) + "\n"
    if os.environ.get("IVR_UPDATE_GOLDENS") == "1":
        head = path.read_text(encoding="utf-8").partition("\n---\n")[0]
        path.write_text(f"{head}\n---\n{heard}", encoding="utf-8")
    assert heard == expected


def test_there_are_golden_calls():
    assert len(CALLS) >= 10
