"""Load the menus folder into a ``Tree``, or say exactly what is wrong and where.

Pure core, except that it reads the menu files and lists the recordings. Every
problem names its file and line and, where one helps, a hint ("did you mean
'legal'?"). Errors reject the whole tree (the caller of ``load`` keeps serving
the last good one); warnings are reported but the tree loads.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ivr import yamlsource
from ivr.tree import Tree
from ivr.yamlsource import LocatedList, LocatedMap

SECTIONS = ("hotlines", "languages", "services", "calendars", "menus")
AUDIO_TYPES = (".wav", ".mp3")  # wav first: it plays without transcoding delay
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


@dataclass(frozen=True)
class Result:
    """A loaded tree and the warnings that did not stop it."""

    tree: Tree
    warnings: tuple[Problem, ...]


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


def read_files(menus_dir: str, report: Report) -> list[Definition]:
    """Parse every YAML file of ``menus_dir`` into its definitions, in file order."""
    files = _yaml_files(menus_dir)
    if not files:
        report.error(_display(menus_dir, menus_dir), 0, "no menu files (*.yaml) found here")
    seen: dict[tuple[str, str], Definition] = {}
    definitions: list[Definition] = []
    for path in files:
        for definition in _read_file(menus_dir, path, report):
            first = seen.get((definition.section, definition.id))
            if first is not None:
                report.error(definition.file, definition.line,
                             f"{definition.section[:-1]} '{definition.id}' is defined twice "
                             f"(first in {first.file}, line {first.line})")
                continue
            seen[(definition.section, definition.id)] = definition
            definitions.append(definition)
    return definitions


def _read_file(menus_dir: str, path: str, report: Report) -> list[Definition]:
    name = _display(menus_dir, path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = yamlsource.parse(handle.read())
    except UnicodeDecodeError:
        report.error(name, 1, "the file is not UTF-8 text: save it as UTF-8")
        return []
    except OSError as exc:  # removed while being read, or not readable by the app
        report.error(name, 1, f"the file cannot be read ({exc.strerror or exc})")
        return []
    except yamlsource.YamlError as exc:
        report.error(name, exc.line, exc.message)
        return []
    if data is None:
        return []
    if not isinstance(data, LocatedMap):
        report.error(name, 1, f"the file must start with one of: {', '.join(SECTIONS)}")
        return []
    return list(_definitions(name, data, report))


def _definitions(name: str, data: LocatedMap, report: Report) -> Iterable[Definition]:
    for section, entries in data.items():
        line = data.lines[section]
        if section not in SECTIONS:
            report.error(name, line, f"unknown section '{section}'{did_you_mean(section, SECTIONS)}"
                         f"; a menu file holds: {', '.join(SECTIONS)}")
            continue
        if not isinstance(entries, LocatedMap):
            report.error(name, line, f"'{section}' must list entries by name")
            continue
        for entry_id, node in entries.items():
            yield Definition(section, entry_id, name, node, entries.lines[entry_id])


def _yaml_files(menus_dir: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(menus_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in sorted(files)
                  if f.endswith((".yaml", ".yml")) and not f.startswith(".")]
    return found


def _display(menus_dir: str, path: str) -> str:
    """A path as staff know it: 'menus/services.yaml'."""
    base = os.path.basename(os.path.normpath(menus_dir))
    rel = os.path.relpath(path, menus_dir)
    return base if rel == "." else os.path.join(base, rel)


def scan_recordings(audio_dir: str) -> dict[tuple[str, str], str]:
    """Map (language, recording name) to its file under ``audio_dir``, wav before mp3."""
    found: dict[tuple[str, str], str] = {}
    if not os.path.isdir(audio_dir):
        return found
    for lang in sorted(os.listdir(audio_dir)):
        folder = os.path.join(audio_dir, lang)
        if not os.path.isdir(folder):
            continue
        for file in sorted(os.listdir(folder), key=lambda f: (os.path.splitext(f)[1] != ".wav", f)):
            key, ext = os.path.splitext(file)
            if ext.lower() in AUDIO_TYPES and (lang, key) not in found:
                found[(lang, key)] = f"{lang}/{file}"
    return found


def fingerprint(menus_dir: str, audio_dir: str) -> str:
    """A cheap signature of every menu file and recording (names, sizes, times)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in _yaml_files(menus_dir):
        _stat_into(digest, path)
    if os.path.isdir(audio_dir):
        for root, dirs, files in os.walk(audio_dir):
            dirs.sort()
            for file in sorted(files):
                _stat_into(digest, os.path.join(root, file))
    return digest.hexdigest()


def _stat_into(digest: Any, path: str) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())


def load(menus_dir: str, audio_dir: str) -> Result:
    """Load and check the whole tree; raise LoadError listing every error found."""
    from ivr import checks, schema

    report = Report()
    definitions = read_files(menus_dir, report)
    recordings = scan_recordings(audio_dir)
    tree = schema.build(definitions, report, recordings, fingerprint(menus_dir, audio_dir))
    if tree is not None and not report.errors:
        tree = checks.check(tree, report)
    problems = sorted(set(report.problems), key=lambda p: (p.file, p.line, p.message))
    errors = [p for p in problems if p.level == "error"]
    if errors or tree is None:
        raise LoadError(problems)
    return Result(tree, tuple(p for p in problems if p.level == "warning"))


def is_list(node: Any) -> bool:
    return isinstance(node, LocatedList)
