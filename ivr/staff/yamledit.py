"""Change one value of a menu file the way a careful person would: comments and layout kept.

The staff forms (a service's numbers and hours, a dated closure) edit the
draft's YAML through ruamel.yaml's round-trip mode, which keeps comments,
key order, quotes and flow lists. Where ruamel would still write an untouched
part differently (a flow list wrapped over two lines, say), the lines the
edit did not touch are taken back from the original text, so a change shows
in the diff as exactly the lines it meant to change.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ivr.phonetree import yamlsource
from ivr.phonetree.fields import DAYS

ALWAYS = "always"


class EditError(ValueError):
    """The file cannot be changed as asked (it does not parse, the entry is missing...)."""


def _yaml() -> YAML:
    yaml = YAML()  # round-trip
    yaml.width = 4096  # never re-wrap a long line
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)  # the menus' own layout
    return yaml


def _load(text: str) -> Any:
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise EditError(f"the file is not valid YAML ({exc.__class__.__name__}): fix it in "
                        "the editor first") from None


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def edit(text: str, change: Callable[[Any], None]) -> str:
    """``text`` with ``change`` applied to its parsed data, every untouched line kept."""
    data = _load(text)
    baseline = _dump(data)
    change(data)
    return merged(text, baseline, _dump(data))


def merged(original: str, baseline: str, edited: str) -> str:
    """``edited``, with the lines the edit left alone as ``original`` writes them.

    ``baseline`` is ``original`` as ruamel writes it back unchanged: the edit is
    the difference from ``baseline`` to ``edited``, applied to ``original``. A
    comment line in a removed part is kept (a form never deletes what staff
    wrote for each other). When a changed part cannot be placed in the
    original, ruamel's text is used.
    """
    orig, base, new = (t.splitlines(keepends=True) for t in (original, baseline, edited))
    where = {}  # baseline line -> the same line in the original
    for tag, i1, i2, j1, _ in _opcodes(base, orig):
        if tag == "equal":
            where.update({i1 + k: j1 + k for k in range(i2 - i1)})
    out = list(orig)
    for tag, i1, i2, j1, j2 in reversed(_opcodes(base, new)):
        if tag == "equal":
            continue
        span = _placed(where, i1, i2, len(base), len(orig))
        if span is None:
            return edited
        gone = [line for line in orig[span[0]:span[1]]
                if line.lstrip().startswith("#") and line not in new[j1:j2]]
        out[span[0]:span[1]] = new[j1:j2] + gone
    return "".join(out)


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _placed(where: Mapping[int, int], i1: int, i2: int, base_len: int,
            orig_len: int) -> tuple[int, int] | None:
    """The original lines of baseline lines ``i1:i2`` (an insertion when empty), or None."""
    if i1 == i2:  # an insertion: after the line before it, or at the very start
        if i1 == 0:
            return 0, 0
        if i1 - 1 in where:
            return where[i1 - 1] + 1, where[i1 - 1] + 1
        return (orig_len, orig_len) if i1 == base_len and base_len - 1 in where else None
    lines = [where.get(i) for i in range(i1, i2)]
    if None in lines or lines != list(range(lines[0], lines[0] + len(lines))):
        return None
    return lines[0], lines[-1] + 1


def locate(files: Mapping[str, str], section: str, entry: str | None = None) -> str | None:
    """The path of the file that defines ``entry`` in ``section`` (a service, a calendar);
    without ``entry``, the first file with that section."""
    for path, text in sorted(files.items()):
        try:
            data = yamlsource.parse(text)
        except yamlsource.YamlError:
            continue
        if isinstance(data, dict) and isinstance(data.get(section), dict) \
                and (entry is None or entry in data[section]):
            return path
    return None


def _entry(data: Any, section: str, entry: str) -> CommentedMap:
    try:
        found = data[section][entry]
    except (KeyError, TypeError):
        raise EditError(f"'{entry}' is not defined under '{section}' in this file") from None
    if not isinstance(found, CommentedMap):
        raise EditError(f"'{entry}' under '{section}' is not a list of settings")
    return found


def _put(mapping: CommentedMap, key: str, value: Any, after: Sequence[str]) -> None:
    """Set ``key``; a new key goes after the last of ``after`` present (else at the end)."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    places = [keys.index(k) + 1 for k in after if k in mapping]
    mapping.insert(max(places) if places else len(keys), key, value)


def set_numbers(text: str, service: str, dial: str | None, number: str | None) -> str:
    """Set (or, given None, remove) a service's ``dial`` and ``number``."""
    def change(data: Any) -> None:
        entry = _entry(data, "services", service)
        for key, value, after in (("dial", dial, ("name",)), ("number", number, ("dial", "name"))):
            if value is None:
                entry.pop(key, None)
            elif key == "dial":
                _put(entry, key, DoubleQuotedScalarString(value), after)
            else:
                _put(entry, key, value, after)
    return edit(text, change)


def hours_value(days: Sequence[Sequence[str]] | str) -> Any:
    """Weekly hours as the menus write them: ``always``, or ranges per run of equal days.

    ``days`` holds seven lists of ranges ("09:00-12:30"), Monday first; a day
    without ranges is closed (left out).
    """
    if days == ALWAYS:
        return ALWAYS
    table = CommentedMap()
    start = 0
    for day in range(1, 8):
        if day < 7 and list(days[day]) == list(days[start]):
            continue
        if days[start]:
            name = DAYS[start] if day - 1 == start else f"{DAYS[start]}-{DAYS[day - 1]}"
            table[name] = _ranges(days[start])
        start = day
    return table


def _ranges(ranges: Sequence[str]) -> Any:
    if len(ranges) == 1:
        return ranges[0]
    listed = CommentedSeq(ranges)
    listed.fa.set_flow_style()
    return listed


def set_hours(text: str, service: str, days: Sequence[Sequence[str]] | str) -> str:
    """Replace a service's weekly ``hours`` (see ``hours_value``)."""
    def change(data: Any) -> None:
        _put(_entry(data, "services", service), "hours", hours_value(days),
             ("number", "dial", "name"))
    return edit(text, change)


def add_closed_on(text: str, service: str, calendar: str) -> str:
    """Add ``calendar`` to the calendars a service closes on (kept as a flow list)."""
    def change(data: Any) -> None:
        entry = _entry(data, "services", service)
        listed = entry.get("closed_on")
        if isinstance(listed, list):
            if calendar not in listed:
                listed.append(calendar)
            return
        value = CommentedSeq([listed, calendar] if isinstance(listed, str) else [calendar])
        value.fa.set_flow_style()
        _put(entry, "closed_on", value, ("hours", "number", "dial"))
    return edit(text, change)


def add_calendar(text: str, calendar: str) -> str:
    """Add an empty calendar of dated closures at the end of the file's ``calendars``."""
    def change(data: Any) -> None:
        if not isinstance(data, CommentedMap) or not isinstance(data.get("calendars"),
                                                                CommentedMap):
            raise EditError("this file has no 'calendars' section")
        if calendar in data["calendars"]:
            raise EditError(f"the calendar '{calendar}' exists already")
        closures = CommentedSeq()
        data["calendars"][calendar] = CommentedMap([("closures", closures)])
        if len(data["calendars"]) > 1:  # a blank line before it, as between the others
            data["calendars"].yaml_set_comment_before_after_key(calendar, before="\n")
    return edit(text, change)


def add_closure(text: str, calendar: str, first: date, last: date,
                reason: Mapping[str, str]) -> str:
    """Add a dated closure (one day: ``date``; several: ``from``/``to``) with its reason,
    in date order among the calendar's closures."""
    def change(data: Any) -> None:
        entry = _entry(data, "calendars", calendar)
        closures = entry.get("closures")
        if not isinstance(closures, CommentedSeq):
            closures = CommentedSeq()
            _put(entry, "closures", closures, ())
        closures.fa.set_block_style()
        item = CommentedMap([("date", first)] if first == last else [("from", first),
                                                                     ("to", last)])
        item["reason"] = CommentedMap(reason.items())
        closures.insert(_position(closures, first), item)
    return edit(text, change)


def _position(closures: CommentedSeq, first: date) -> int:
    """Where a closure starting on ``first`` goes: before the first that starts later."""
    for n, item in enumerate(closures):
        start = item.get("date", item.get("from")) if isinstance(item, dict) else None
        if isinstance(start, date) and start > first:
            return n
    return len(closures)


def copy_language(text: str, old: str, new: str) -> str:
    """A language file for ``new``, copied from the file of ``old`` (to translate)."""
    def change(data: Any) -> None:
        table = data.get("languages") if isinstance(data, CommentedMap) else None
        if not isinstance(table, CommentedMap) or old not in table:
            raise EditError(f"the file does not define the language '{old}'")
        table.insert(0, new, table.pop(old))
        for other in [code for code in table if code != new]:
            del table[other]
    return edit(text, change)
