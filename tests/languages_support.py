"""What the tests of the eleven languages share: their fixture tree, with its Nepali placeholders.

The fixture is tests/menus-languages (the shipped menus as they were when the
languages were added). Nepali has no Twilio voice, so the tree loads only with
every Nepali recording: ``audio`` makes each one as a tiny wav in a folder of
the test and lists them all as placeholders, as scripts/placeholder-recordings
does with real synthesised speech.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import ROOT

from ivr.phonetree import loader, recordings
from ivr.phonetree.bundle import PLACEHOLDERS

LANGUAGES = ROOT / "tests" / "menus-languages"
# The smallest valid wav: a RIFF header and no samples (the tests never play them).
WAV = (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00"
       b"\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00")


def audio(folder: Path, menus: Path = LANGUAGES, lang: str = "ne") -> Path:
    """``folder`` with every recording ``lang`` needs, each listed as a placeholder."""
    tree = loader.load(str(menus), str(folder), require_recordings=False).tree
    (folder / lang).mkdir(parents=True, exist_ok=True)
    lines = ["# Placeholders made by the tests\n"]
    for name in recordings.needed(tree, lang):
        data = WAV + name.encode()  # each file its own bytes, as real recordings are
        (folder / lang / f"{name}.wav").write_bytes(data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {name}.wav\n")
    (folder / lang / PLACEHOLDERS).write_text("".join(lines), encoding="utf-8")
    return folder
