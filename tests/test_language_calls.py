"""Golden call transcripts of every shipped language: chosen, each service reached open and closed.

Each file in tests/calls-languages/ holds a call on the fixture tree of the
eleven languages (tests/menus-languages, Nepali from placeholder recordings):
the language chosen from the first prompt, then every service once, at a time
it is open (each connection busy, so the call goes on, the last one taken) or
at a time it is closed. After a deliberate change of those menus or of the
engine: ``IVR_UPDATE_GOLDENS=1 bash scripts/test tests/test_language_calls.py``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import jst
from languages_support import LANGUAGES, audio
from test_calls import read

from ivr.phonetree import loader
from ivr.web import simulator

CALLS = sorted((Path(__file__).parent / "calls-languages").glob("*.call"))


@pytest.fixture
def languages_app(make_app, tmp_path):
    return make_app(IVR_MENUS_DIR=str(LANGUAGES), IVR_AUDIO_DIR=str(audio(tmp_path / "audio")))


@pytest.mark.parametrize("path", CALLS, ids=[p.stem for p in CALLS])
def test_call_transcript(languages_app, path):
    fields, expected = read(path)
    call = simulator.Call(at=jst(fields["at"]),
                          keys=[k for k in fields.get("keys", "").split(",") if k],
                          dial=[d for d in fields.get("dial", "completed").split(",") if d])
    heard = "\n".join(simulator.run(languages_app, call)) + "\n"
    if os.environ.get("IVR_UPDATE_GOLDENS") == "1":
        head = path.read_text(encoding="utf-8").partition("\n---\n")[0]
        path.write_text(f"{head}\n---\n{heard}", encoding="utf-8")
    assert heard == expected


def test_every_language_has_an_open_and_a_closed_call(tmp_path):
    tree = loader.load(str(LANGUAGES), str(audio(tmp_path / "audio"))).tree
    names = {p.stem for p in CALLS}
    assert names == {f"{code}-{when}" for code in tree.languages for when in ("open", "closed")}
