"""Load the menu files into a ``Tree``, or say exactly what is wrong and where.

Pure core, except that ``load`` reads the menus folder (through ``bundle``). Every
problem names its file and line and, where one helps, a hint ("did you mean
'legal'?"). Errors reject the whole tree (the caller of ``load`` keeps serving
the last good one); warnings are reported but the tree loads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ivr.phonetree import checks, notices, schema, yamlsource
from ivr.phonetree.bundle import Bundle, read_folder
from ivr.phonetree.report import Definition, LoadError, Problem, Report, did_you_mean
from ivr.phonetree.tree import Tree
from ivr.phonetree.yamlsource import LocatedMap

SECTIONS = ("hotlines", "languages", "services", "calendars", "menus")


@dataclass(frozen=True)
class Result:
    """A loaded tree and the warnings that did not stop it."""

    tree: Tree
    warnings: tuple[Problem, ...]
    bundle: Bundle  # what it was loaded from


def read_definitions(bundle: Bundle, report: Report) -> list[Definition]:
    """Parse every YAML file of ``bundle`` into its definitions, in file order."""
    if not bundle.files and not bundle.unreadable:
        report.error(bundle.root, 0, "no menu files (*.yaml) found here")
    for path, why in bundle.unreadable.items():
        report.error(bundle.name(path), 1, why)
    seen: dict[tuple[str, str], Definition] = {}
    definitions: list[Definition] = []
    for path, text in bundle.files.items():
        for definition in _read_file(bundle.name(path), text, report):
            first = seen.get((definition.section, definition.id))
            if first is not None:
                report.error(definition.file, definition.line,
                             f"{definition.section[:-1]} '{definition.id}' is defined twice "
                             f"(first in {first.file}, line {first.line})")
                continue
            seen[(definition.section, definition.id)] = definition
            definitions.append(definition)
    return definitions


def _read_file(name: str, text: str, report: Report) -> list[Definition]:
    try:
        data = yamlsource.parse(text)
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


def load_bundle(bundle: Bundle, require_recordings: bool = True) -> Result:
    """Load and check the tree of ``bundle``; raise LoadError listing every error found
    (without ``require_recordings``, recordings a language without a voice lacks are not)."""
    report = Report()
    definitions = read_definitions(bundle, report)
    tree = schema.build(definitions, report, dict(bundle.recordings), bundle.version,
                        bundle.placeholders)
    if tree is not None and not report.errors:
        tree = notices.apply(checks.check(tree, report, require_recordings),
                             bundle.notices, report)
    problems = sorted(set(report.problems), key=lambda p: (p.file, p.line, p.message))
    errors = [p for p in problems if p.level == "error"]
    if errors or tree is None:
        raise LoadError(problems)
    return Result(tree, tuple(p for p in problems if p.level == "warning"), bundle)


def load(menus_dir: str, audio_dir: str, require_recordings: bool = True) -> Result:
    """Load and check the tree of the menus folder and the recordings folder."""
    return load_bundle(read_folder(menus_dir, audio_dir), require_recordings)
