"""Load the menus folder into a ``Tree``, or say exactly what is wrong and where.

Pure core, except that it reads the menu files and lists the recordings. Every
problem names its file and line and, where one helps, a hint ("did you mean
'legal'?"). Errors reject the whole tree (the caller of ``load`` keeps serving
the last good one); warnings are reported but the tree loads.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ivr.phonetree import checks, schema, yamlsource
from ivr.phonetree.report import Definition, LoadError, Problem, Report, did_you_mean
from ivr.phonetree.tree import Tree
from ivr.phonetree.yamlsource import LocatedMap

SECTIONS = ("hotlines", "languages", "services", "calendars", "menus")
AUDIO_TYPES = (".wav", ".mp3")  # wav first: it plays without transcoding delay


@dataclass(frozen=True)
class Result:
    """A loaded tree and the warnings that did not stop it."""

    tree: Tree
    warnings: tuple[Problem, ...]


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

