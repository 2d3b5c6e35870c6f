"""A translator's table read back: every cell checked, every changed text written in place.

Pure core. The table is rows of cells (``reviewtable`` reads CSV and XLSX):
a header naming the columns (``id`` and the language's code are the ones
read), then one row per text. Every problem is reported with its row and
column as a spreadsheet shows them ("row 7, column C (vi): '{service}' is
missing"), and nothing is written while there is one. A text that did not
change keeps its bytes; a changed one replaces the old where it is written; a
missing one is added beside the others of its place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import yaml

from ivr.phonetree import reviewpack
from ivr.phonetree.report import did_you_mean
from ivr.phonetree.reviewpack import Entry, render


@dataclass(frozen=True)
class Imported:
    """The files with the table's texts, and what changed."""

    files: dict[str, str]
    changed: tuple[Entry, ...]  # the entries whose text the table changed (or added)


class TableError(ValueError):
    """The table cannot be imported; ``problems`` says where and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def column_name(index: int) -> str:
    """A spreadsheet's name of the column at ``index`` (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def apply(files: Mapping[str, str], lang: str, table: Sequence[Sequence[str]],
          source: str = "en", root: str = "menus") -> Imported:
    """``files`` (of the folder ``root``) with the texts of ``table`` for ``lang``;
    TableError listing every problem."""
    known = {e.id: e for e in reviewpack.entries(files, lang, source)}
    texts, rows, problems = _read(table, lang, known, root)
    changed = [known[i] for i in known if i in texts and texts[i] != known[i].text]
    edits: dict[str, list[tuple[int, int, str]]] = {}
    for entry in changed:
        edit = _edit(files[entry.file], entry, texts[entry.id])
        if isinstance(edit, str):
            problems.append(f"row {rows[entry.id]}: {edit}")
        else:
            edits.setdefault(entry.file, []).append(edit)
    if problems:
        raise TableError(problems)
    result = dict(files)
    for file, changes in edits.items():
        for start, end, new in sorted(changes, reverse=True):
            result[file] = result[file][:start] + new + result[file][end:]
    return Imported(result, tuple(changed))


@dataclass
class _Reading:
    """The table read so far: each id's text and row, and every problem found."""

    known: Mapping[str, Entry]
    texts: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def take(self, number: int, text_id: str, text: str, ids: str, where: str) -> None:
        """Row ``number``: its id (in column ``ids``) and its text (at ``where``)."""
        if text_id not in self.known:
            self.problems.append(f"row {number}, {ids}: '{text_id}' is not a text of the "
                                 f"menus{did_you_mean(text_id, self.known)}")
        elif text_id in self.texts:
            self.problems.append(f"row {number}, {ids}: '{text_id}' again (first on row "
                                 f"{self.rows[text_id]})")
        else:
            self.texts[text_id], self.rows[text_id] = text, number
            self.problems += [f"row {number}, {where}: {p}"
                              for p in reviewpack.problems(self.known[text_id], text)]


def _read(table: Sequence[Sequence[str]], lang: str, known: Mapping[str, Entry], root: str
          ) -> tuple[dict[str, str], dict[str, int], list[str]]:
    """The table's text of each id, the row of each, and every problem of a row or cell."""
    reading = _Reading(known)
    header = [cell.strip() for cell in (table[0] if table else [])]
    missing = [name for name in ("id", lang) if name not in header]
    if missing:
        return {}, {}, [f"row 1: no column {', '.join(repr(m) for m in missing)} (the header "
                        f"names the columns; the texts are in the column '{lang}')"]
    ids, col = header.index("id"), header.index(lang)
    for number, row in enumerate(table[1:], start=2):
        cells = list(row) + [""] * (len(header) - len(row))
        if any(cell.strip() for cell in cells):  # a blank line is no row
            reading.take(number, cells[ids].strip(), cells[col],
                         f"column {column_name(ids)} (id)", f"column {column_name(col)} ({lang})")
    reading.problems += [f"no row for '{i}' ({root}/{known[i].file}:{known[i].line}): every "
                         "text of the export must come back" for i in known
                         if i not in reading.texts]
    return reading.texts, reading.rows, reading.problems


def _edit(text: str, entry: Entry, value: str) -> tuple[int, int, str] | str:
    """Where and what to write in ``text`` so ``entry`` says ``value``; else why not."""
    parent = _node(yaml.compose(text), entry.path[:-1])
    key = entry.path[-1]
    if parent is None:
        place = "/".join(map(str, entry.path[:-1]))
        return f"{entry.file} has nowhere to put '{entry.id}' ({place} is missing): add it first"
    flow = bool(getattr(parent, "flow_style", False))
    node = _child(parent, key)
    if node is not None:
        end = node.end_mark.index
        tail = "\n" if text[node.start_mark.index:end].endswith("\n") else ""
        return node.start_mark.index, end, render(value, flow) + tail
    if not isinstance(parent, yaml.MappingNode):
        return f"{entry.file}: the list for '{entry.id}' is too short: complete it in the file"
    return _insert(text, parent, render(str(key), flow), render(value, flow), flow)


def _insert(text: str, parent: yaml.MappingNode, key: str, value: str,
            flow: bool) -> tuple[int, int, str]:
    """A new ``key: value`` after the last pair of ``parent``."""
    end = parent.end_mark.index
    if flow:  # {en: English, ja: Japanese} -> {en: English, ja: Japanese, vi: ...}
        closing = text.rindex("}", 0, end)
        return closing, closing, (", " if parent.value else "") + f"{key}: {value}"
    last = parent.value[-1][1].end_mark.index
    indent = " " * parent.value[0][0].start_mark.column
    if text[last - 1] == "\n":  # a block scalar ends with its line
        return last, last, f"{indent}{key}: {value}\n"
    return last, last, f"\n{indent}{key}: {value}"


def _node(node: yaml.Node | None, path: tuple) -> yaml.Node | None:
    for key in path:
        node = _child(node, key)
    return node


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(key, int):
        if isinstance(node, yaml.SequenceNode) and key < len(node.value):
            return node.value[key]
        return None
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if str(k.value) == key), None)
    return None
