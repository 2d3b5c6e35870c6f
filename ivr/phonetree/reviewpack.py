"""A language's texts beside English, for a translator; and their answer, written back in place.

Pure core. ``entries`` finds every text of a language in the menu files - the
phrases, weekdays, months, key and digit names, parts of the day, language
names, menu prompts and labels, service names and closure reasons - with the
English it translates and the ``{placeholders}`` it must keep. It reads the
YAML itself, not the loaded tree, so a half-translated language (which does
not load) can be exported too: its missing texts come out empty.

``apply`` takes the table back (see ``reviewfiles`` for CSV and XLSX), checks
every row and cell, and returns the files with each changed text replaced where
it is written (or added where it is missing), every other byte as it was: a
table exported and imported unchanged leaves the files byte for byte the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from ivr.phonetree import speech
from ivr.phonetree.report import did_you_mean

Path = tuple[str | int, ...]  # keys and list indexes from the top of a file to a text
TIMES = ("phrase.time", "phrase.time_on_the_hour")
NOTES = {"name": "the language's own name, as its speakers say it",
         "digits.separator": "said between two digits of a phone number (a pause: ', ')",
         "digits.group": "said between two groups of digits of a phone number",
         "digit": "a digit as it is said in a phone number",
         "key": "a phone key as callers hear it ('press star')",
         "period": "the part of the day for times from this hour ('in the afternoon')",
         "language_name": "the name of another language, said in this one"}


@dataclass(frozen=True)
class Entry:
    """One text of the language: where it is written and what it translates."""

    id: str
    english: str
    text: str | None  # None: not written yet
    file: str         # the file's path inside the menus folder
    path: Path        # where the text is (or goes) inside the file
    line: int         # the line of the text, or of what it belongs to when missing
    note: str = ""

    @property
    def slots(self) -> tuple[str, ...]:
        """The placeholders the text must keep: every one the English has (a time keeps its
        minutes; its hour may be on the 24-hour clock or the 12-hour one, with a period)."""
        if not self.id.startswith("phrase."):
            return ()
        try:
            slots = tuple(dict.fromkeys(speech.template_slots(self.english)))
        except ValueError:
            return ()
        if self.id in TIMES:
            return tuple(s for s in slots if s == "minute")
        return slots


class PackError(ValueError):
    """The menu files cannot give the texts of this language (no such language...)."""


def entries(files: Mapping[str, str], lang: str, source: str = "en") -> list[Entry]:
    """Every text of ``lang`` in ``files`` (path -> YAML text), beside ``source``'s."""
    trees = {path: yaml.compose(text) for path, text in sorted(files.items())}
    found: list[Entry] = []
    languages = _definitions(trees, "languages")
    for code in (source, lang):
        if code not in languages:
            raise PackError(f"no language '{code}' in the menu files")
    found += _language(languages[source], languages[lang], source, lang)
    for section, walk in (("menus", _menu), ("services", _service), ("calendars", _calendar)):
        for key, (file, node) in _definitions(trees, section).items():
            found += [_texted(e, node, source, lang, file) for e in walk(key, node)]
    return found


def _definitions(trees: Mapping[str, yaml.Node], section: str) -> dict[str, tuple[str, yaml.Node]]:
    """The entries of ``section`` in every file: id -> (file, node)."""
    found = {}
    for file, root in trees.items():
        for key, value in _pairs(root):
            if key == section:
                found |= {name: (file, node) for name, node in _pairs(value)}
    return found


def _pairs(node: yaml.Node | None) -> Iterator[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield str(key.value), value


def _get(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(key, int):
        return node.value[key] if isinstance(node, yaml.SequenceNode) and \
            key < len(node.value) else None
    return next((v for k, v in _pairs(node) if k == key), None)


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


@dataclass(frozen=True)
class _Spot:
    """A text of a language file, by its path under the language's node."""

    id: str
    path: Path
    note: str = ""


def _language(english: tuple[str, yaml.Node], own: tuple[str, yaml.Node], source: str,
              lang: str) -> list[Entry]:
    """The texts of the language's own file, beside the source language's."""
    spots = [_Spot("name", ("name",), NOTES["name"])]
    spots += [_Spot(f"phrase.{p}", ("phrases", p)) for p in speech.PHRASES]
    spots += [_Spot(f"weekday.{d}", ("weekdays", n)) for n, d in enumerate(speech.DAY_KEYS)]
    spots += [_Spot(f"month.{m}", ("months", m - 1)) for m in range(1, 13)]
    spots += [_Spot(f"key.{k}", ("keys", k), NOTES["key"]) for k, _ in
              _pairs(_get(english[1], "keys"))]
    if _get(english[1], "digits") is not None or _get(own[1], "digits") is not None:
        spots += [_Spot(f"digit.{d}", ("digits", "names", d), NOTES["digit"]) for d in range(10)]
        spots += [_Spot(f"digits.{k}", ("digits", k), NOTES[f"digits.{k}"])
                  for k in ("separator", "group")]
    spots += [_Spot(f"period.{h}", ("periods", h), NOTES["period"]) for h, _ in
              _pairs(_get(own[1], "periods"))]
    names = dict.fromkeys([k for k, _ in _pairs(_get(english[1], "language_names"))]
                          + [k for k, _ in _pairs(_get(own[1], "language_names"))])
    spots += [_Spot(f"language_name.{c}", ("language_names", c), NOTES["language_name"])
              for c in names]
    return [_entry(spot, english, own, source, lang) for spot in spots]


def _entry(spot: _Spot, english: tuple[str, yaml.Node], own: tuple[str, yaml.Node],
           source: str, lang: str) -> Entry:
    said = _follow(english[1], spot.path)
    if spot.id.startswith("period."):  # the source's words for the same hour, if it has any
        said = _period(english[1], int(spot.path[1]))
    mine = _follow(own[1], spot.path)
    node, line = own[1], own[1].start_mark.line + 1
    for key in spot.path:
        node = _get(node, key)
        if node is None:
            break
        line = node.start_mark.line + 1
    return Entry(spot.id, _scalar(said) or "", _scalar(mine), own[0],
                 ("languages", lang, *spot.path), line, spot.note)


def _follow(node: yaml.Node | None, path: Path) -> yaml.Node | None:
    for key in path:
        node = _get(node, key)
    return node


def _period(node: yaml.Node, hour: int) -> yaml.ScalarNode | None:
    found = None
    for start, value in sorted(((int(k), v) for k, v in _pairs(_get(node, "periods"))
                                if k.isdigit()), key=lambda pair: pair[0]):
        if hour >= start:
            found = value
    return found


def _menu(mid: str, node: yaml.Node) -> Iterator[tuple[str, Path, yaml.Node | None]]:
    yield f"menu.{mid}.prompt", ("menus", mid, "prompt"), _get(node, "prompt")
    for key, option in _pairs(_get(node, "options")):
        yield (f"menu.{mid}.option.{key}", ("menus", mid, "options", key, "label"),
               _get(option, "label"))


def _service(sid: str, node: yaml.Node) -> Iterator[tuple[str, Path, yaml.Node | None]]:
    yield f"service.{sid}.name", ("services", sid, "name"), _get(node, "name")
    yield from _reasons(f"service.{sid}", ("services", sid), node, "overrides")


def _calendar(cid: str, node: yaml.Node) -> Iterator[tuple[str, Path, yaml.Node | None]]:
    for key in ("yearly", "closures"):
        yield from _reasons(f"calendar.{cid}", ("calendars", cid), node, key)


def _reasons(prefix: str, path: Path, node: yaml.Node, key: str
             ) -> Iterator[tuple[str, Path, yaml.Node | None]]:
    items = _get(node, key)
    for n, item in enumerate(items.value if isinstance(items, yaml.SequenceNode) else ()):
        reason = _get(item, "reason")
        if reason is not None:
            yield (f"{prefix}.{key}.{n + 1}.reason", (*path, key, n, "reason"), reason)


def _texted(found: tuple[str, Path, yaml.Node | None], node: yaml.Node, source: str, lang: str,
            file: str) -> Entry:
    """An entry of a text given per language ({en: ..., vi: ...}) in a menus file."""
    text_id, path, texts = found
    where = texts if texts is not None else node
    return Entry(text_id, _scalar(_get(texts, source)) or "", _scalar(_get(texts, lang)), file,
                 (*path, lang), (_get(texts, lang) or where).start_mark.line + 1)


def problems(entry: Entry, text: str) -> list[str]:
    """What is wrong with ``text`` as the translation of ``entry`` (empty: nothing)."""
    if not text.strip():
        return [f"empty: '{entry.id}' needs a text (the English: {entry.english!r})"]
    try:
        used = speech.template_slots(text)
    except ValueError as exc:
        return [f"a stray brace ({exc}): braces only go around a placeholder, e.g. {{service}}"]
    found = [f"'{{{slot}}}' is missing: keep every placeholder of the English "
             f"({', '.join('{' + s + '}' for s in entry.slots)})"
             for slot in entry.slots if slot not in used]
    if entry.id in TIMES and "hour" not in used and "hour12" not in used:
        found.append("a time needs its hour: '{hour}' (0-23) or '{hour12}' (1-12, with "
                     "'{period}')")
    allowed = speech.PHRASES.get(entry.id.removeprefix("phrase."), ()) \
        if entry.id.startswith("phrase.") else ()
    found += [f"'{{{slot}}}' is not a placeholder of '{entry.id}'"
              f"{did_you_mean(slot, allowed)}" for slot in dict.fromkeys(used)
              if slot not in allowed]
    return found


def render(text: str, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain when that reads back the same, else double-quoted."""
    special = r"[,\[\]{}]" if flow else r"$^"
    plain = (text == text.strip() and "\n" not in text and ": " not in text and " #" not in
             text and not text.endswith(":") and not re.match(r"[-?:,\[\]{}#&*!|>'\"%@`]", text)
             and not re.search(special, text) and text != "")
    return text if plain else json.dumps(text, ensure_ascii=False)
