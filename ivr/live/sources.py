"""Where the live tree's files come from: a stamp that changes with them, and their texts.

A source answers two questions: has anything changed (``stamp``, cheap:
file sizes and times, never contents), and what are the files now
(``read``). The holder asks the first every few seconds and the second only
when the stamp moved.
"""

from __future__ import annotations

from ivr.phonetree.bundle import Bundle, fingerprint, read_folder


class FolderSource:
    """The menus folder and the recordings folder on this machine's disk."""

    def __init__(self, menus_dir: str, audio_dir: str) -> None:
        self.menus_dir, self.audio_dir = menus_dir, audio_dir

    def __str__(self) -> str:
        return self.menus_dir

    def stamp(self) -> str:
        return fingerprint(self.menus_dir, self.audio_dir)

    def read(self) -> Bundle:
        return read_folder(self.menus_dir, self.audio_dir)


class Unavailable(Exception):
    """The source cannot be read now (its database is down): keep serving what you have."""
