"""What the loader found wrong in the menu files, and where: the types every part shares.

Pure core, a leaf of the phone tree package: the loader, the schema, the
field parsers, the language builder and the cross-checks all report into a
``Report`` and read YAML mappings through a ``Section``; none of them needs
to import another to do so, so the loader's modules form no import circle.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ivr.phonetree.yamlsource import LocatedList, LocatedMap

_REQUIRED = object()


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the menu files, where it is, and how bad."""

    file: str
    line: int
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file  # a recording has no line
        return f"{where}: {self.level}: {self.message}"


class Invalid(ValueError):
    """A value that does not fit its field; the message says why, ``line`` where if known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Report:
    """Problems found so far, and where each definition was written."""

    problems: list[Problem] = field(default_factory=list)
    places: dict[tuple[str, ...], tuple[str, int]] = field(default_factory=dict)

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def warning(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message, "warning"))

    def at(self, path: tuple[str, ...], message: str, level: str = "error") -> None:
        """Report at the most precise place known of ``path`` (a key, else its parents)."""
        while len(path) > 1 and path not in self.places:
            path = path[:-1]
        file, line = self.places.get(path, ("?", 0))
        self.problems.append(Problem(file, line, message, level))

    def locate(self, path: tuple[str, ...], file: str, node: Any, line: int) -> None:
        """Remember where ``path`` and every key and list item under it were written."""
        self.places[path] = (file, line)
        if isinstance(node, LocatedMap):
            for key, value in node.items():
                self.locate((*path, key), file, value, node.lines[key])
        elif isinstance(node, LocatedList):
            for n, (item, item_line) in enumerate(zip(node, node.lines, strict=True), start=1):
                self.locate((*path, str(n)), file, item, item_line)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


class LoadError(Exception):
    """The menus could not be loaded; ``problems`` says why, file by file."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """" (did you mean 'x'?)" for the closest of ``choices``, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Section:
    """Reads the keys of one YAML mapping and reports missing, bad and unknown ones."""

    def __init__(self, report: Report, file: str, node: LocatedMap, what: str,
                 line: int | None = None) -> None:
        self.report, self.file, self.node, self.what = report, file, node, what
        self.key_line = line or node.line  # the line of the key this mapping is written under
        self.used: set[str] = set()

    def line(self, key: str | None = None) -> int:
        return self.node.lines.get(key, self.key_line) if key else self.key_line

    def error(self, key: str | None, message: str) -> None:
        self.report.error(self.file, self.line(key), f"{self.what}: {message}")

    def warning(self, key: str | None, message: str) -> None:
        self.report.warning(self.file, self.line(key), f"{self.what}: {message}")

    def has(self, key: str) -> bool:
        return key in self.node

    def take(self, key: str, parse: Callable[[Any], Any] = str, default: Any = _REQUIRED) -> Any:
        """The parsed value of ``key``; on a problem, report it and return None."""
        self.used.add(key)
        raw = self.node.get(key)
        if raw is None:
            if default is _REQUIRED:
                self.error(None, f"'{key}' is missing")
                return None
            return default
        try:
            return parse(raw)
        except Invalid as exc:
            line = exc.line or self.line(key)
            self.report.error(self.file, line, f"{self.what}: '{key}' {exc}")
            return None

    def child(self, key: str, what: str | None = None) -> Section | None:
        """The mapping under ``key`` as its own section, or None when absent or not a mapping."""
        self.used.add(key)
        node = self.node.get(key)
        if node is None:
            return None
        if not isinstance(node, LocatedMap):
            self.error(key, f"'{key}' must be a list of 'name: value' lines")
            return None
        return Section(self.report, self.file, node, what or f"{self.what}, {key}",
                       self.line(key))

    def each(self, key: str, make: Callable[[Section, int], Any],
             known: tuple[str, ...]) -> list[Any]:
        """Build every item of the list under ``key``; skip the ones with problems."""
        self.used.add(key)
        raw = self.node.get(key)
        if raw is None:
            return []
        if not isinstance(raw, LocatedList):
            self.error(key, f"'{key}' must be a list, each item starting with '- '")
            return []
        items = []
        for n, (node, line) in enumerate(zip(raw, raw.lines, strict=True), start=1):
            if not isinstance(node, LocatedMap):
                self.report.error(self.file, line,
                                  f"{self.what}: each item of '{key}' must be settings")
                continue
            item = Section(self.report, self.file, node, f"{self.what}, {key} item {n}", line)
            before = len(self.report.errors)
            value = make(item, n)
            item.done(known)
            if len(self.report.errors) == before:
                items.append(value)
        return items

    def done(self, known: Iterable[str]) -> None:
        """Report every key that is not one of ``known``."""
        known = list(known)
        for key in self.node:
            if key not in known:
                self.error(key, f"unknown key '{key}'{did_you_mean(key, known)}")


@dataclass
class Definition:
    """One entry of a section (a service, a menu...) as written, with its place."""

    section: str
    id: str
    file: str
    node: Any
    line: int
