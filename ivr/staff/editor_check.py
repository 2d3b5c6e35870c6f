"""Check a set of menu files with the real loader, and place each problem beside its line.

The editor, the publish page and the forms all check a whole draft the way
calls would load it (``StoreSource.bundle_of``: today's recordings and
notices included, then ``loader.load_bundle``), so what the editor says is
exactly what publishing would meet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from ivr.menustore.source import StoreSource
from ivr.phonetree import loader
from ivr.phonetree.report import LoadError, Problem
from ivr.phonetree.tree import Tree


@dataclass(frozen=True)
class Checked:
    """What the loader said about a set of files: its problems, and the tree if it loads."""

    root: str
    problems: tuple[Problem, ...]
    tree: Tree | None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def path_of(self, problem: Problem) -> str | None:
        """The file a problem is in, as the draft names it ("main.yaml"), or None."""
        prefix = self.root + "/"
        return problem.file[len(prefix):] if problem.file.startswith(prefix) else None

    def of(self, path: str) -> list[Problem]:
        return [p for p in self.problems if self.path_of(p) == path]

    def elsewhere(self, path: str) -> list[tuple[str | None, Problem]]:
        """The problems of every other file (and of none), with the file they are in."""
        return [(self.path_of(p), p) for p in self.problems if self.path_of(p) != path]

    def count(self, path: str) -> tuple[int, int]:
        """How many errors and warnings a file has."""
        mine = self.of(path)
        return sum(p.level == "error" for p in mine), sum(p.level == "warning" for p in mine)


def check(connection: sa.Connection, source: StoreSource, files: Mapping[str, str],
          root: str) -> Checked:
    """Load ``files`` as calls would hear them now; every problem, and the tree if it loads."""
    try:
        result = loader.load_bundle(source.bundle_of(connection, files, root))
    except LoadError as exc:
        return Checked(root, tuple(exc.problems), None)
    return Checked(root, result.warnings, result.tree)


@dataclass(frozen=True)
class Line:
    """One line of a file as the editor shows it, with the problems found on it."""

    number: int
    text: str
    problems: tuple[Problem, ...] = ()


def lines(text: str, problems: list[Problem]) -> tuple[list[Problem], list[Line]]:
    """The problems of the whole file (no line), and each line with the problems on it.

    A problem past the last line (the end of the file) is shown under the last line.
    """
    rows = text.split("\n")
    if len(rows) > 1 and rows[-1] == "":
        rows.pop()  # the newline that ends the last line starts no line of its own
    placed: dict[int, list[Problem]] = {}
    whole = []
    for problem in problems:
        if problem.line < 1:
            whole.append(problem)
        else:
            placed.setdefault(min(problem.line, len(rows)), []).append(problem)
    return whole, [Line(n, row, tuple(placed.get(n, ()))) for n, row in enumerate(rows, 1)]


GAP = Line(0, "")  # stands for the lines an excerpt leaves out


def excerpt(rows: list[Line], context: int = 3) -> list[Line]:
    """The lines with problems and ``context`` lines around each; ``GAP`` between parts."""
    near = {n for row in rows if row.problems
            for n in range(row.number - context, row.number + context + 1)}
    shown: list[Line] = []
    for row in rows:
        if row.number in near:
            if shown and shown[-1].number != row.number - 1:
                shown.append(GAP)
            shown.append(row)
    return shown
