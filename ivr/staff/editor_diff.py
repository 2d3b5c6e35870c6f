"""The line diff of two sets of menu files (a draft against the published version...).

Files are compared one by one with ``difflib``; each changed part is shown
with three lines around it, every line marked "added", "removed" or
"unchanged" in words (the page adds colour, never colour alone).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

CONTEXT = 3


@dataclass(frozen=True)
class Row:
    kind: str  # "added", "removed" or "unchanged"
    old: int | None  # line number before
    new: int | None  # line number after
    text: str


@dataclass(frozen=True)
class FileDiff:
    """The changes of one file: ``status`` "changed", "added" or "removed"."""

    path: str
    status: str
    hunks: tuple[tuple[Row, ...], ...]

    @property
    def added(self) -> int:
        return sum(row.kind == "added" for hunk in self.hunks for row in hunk)

    @property
    def removed(self) -> int:
        return sum(row.kind == "removed" for hunk in self.hunks for row in hunk)


def diff(old: Mapping[str, str], new: Mapping[str, str]) -> list[FileDiff]:
    """Every file that differs between ``old`` and ``new``, by path."""
    changed = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) == new.get(path):
            continue
        status = "added" if path not in old else "removed" if path not in new else "changed"
        changed.append(FileDiff(path, status, hunks(old.get(path, ""), new.get(path, ""))))
    return changed


def hunks(old: str, new: str) -> tuple[tuple[Row, ...], ...]:
    """The changed parts of a file, each with ``CONTEXT`` unchanged lines around it."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return tuple(tuple(_rows(a, b, group)) for group in matcher.get_grouped_opcodes(CONTEXT))


def _rows(a: list[str], b: list[str], group: list[tuple[str, int, int, int, int]]):
    for tag, i1, i2, j1, j2 in group:
        if tag == "equal":
            yield from (Row("unchanged", i + 1, j1 + k + 1, a[i])
                        for k, i in enumerate(range(i1, i2)))
            continue
        yield from (Row("removed", i + 1, None, a[i]) for i in range(i1, i2))
        yield from (Row("added", None, j + 1, b[j]) for j in range(j1, j2))
