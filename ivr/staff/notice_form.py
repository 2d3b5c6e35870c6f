"""The notice form: what staff typed, checked against the live tree, as a notice or problems.

Pure (no Flask, no database): the form's fields in, a ``Draft`` to store or
the problems to show out, each a sentence staff can act on. Times are typed
in Japan time; the quick choices for the end count from the day the notice
starts ("end of that day", "9:00 the next morning").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from ivr.calllog.outcome import JAPAN
from ivr.phonetree.tree import Tree

MAX_REASON = 300  # a sentence callers hear after "It is closed for now:"
MAX_NOTE = 1000
LONGEST = timedelta(days=366)  # a lasting change belongs in the menus
UNTIL = {"at": "at the time below", "day-end": "at the end of the day it starts (midnight)",
         "next-morning": "at 9:00 the morning after the day it starts"}
TIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


@dataclass
class Fields:
    """The form as typed (or its defaults), to fill it in again when it has problems."""

    services: list[str] = field(default_factory=list)
    every: bool = False
    effect: str = "closed"
    start: str = ""
    until: str = "at"
    end: str = ""
    reason: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Draft:
    """A checked notice, ready for ``ivr.menustore.notices.create``."""

    services: tuple[str, ...]  # empty: every service
    open: bool
    start: datetime
    end: datetime
    reason: Mapping[str, str]
    note: str


def blank(now: datetime) -> Fields:
    """An empty form: closing, from now (Japan time, to the minute)."""
    return Fields(start=now.astimezone(JAPAN).strftime(TIME_FORMAT))


def fields_of(form: Mapping[str, object], getlist, languages: list[str]) -> Fields:
    """The typed values of a posted form (``getlist`` reads the checkboxes)."""
    def value(name: str) -> str:
        return str(form.get(name) or "").strip()
    return Fields(services=[str(s) for s in getlist("service")], every=bool(value("every")),
                  effect=value("effect"), start=value("start"), until=value("until") or "at",
                  end=value("end"), reason={code: value(f"reason-{code}") for code in languages},
                  note=value("note"))


def check(fields: Fields, tree: Tree, now: datetime) -> tuple[Draft | None, list[str]]:
    """The notice the fields describe, or None and every problem, in the form's order."""
    problems = _services(fields, tree)
    if fields.effect not in ("closed", "open"):
        problems.append("Choose whether the notice closes or opens the services.")
    start, end = _times(fields, now, problems)
    problems += _reasons(fields, tree)
    if len(fields.note) > MAX_NOTE:
        problems.append(f"The note for staff is too long ({len(fields.note)} characters): "
                        f"at most {MAX_NOTE}.")
    if problems:
        return None, problems
    reason = {code: text for code, text in fields.reason.items() if text}
    chosen = () if fields.every else tuple(fields.services)
    return Draft(chosen, fields.effect == "open", start, end, reason, fields.note), []


def _services(fields: Fields, tree: Tree) -> list[str]:
    if fields.every and fields.services:
        return ["Choose either all services or some of them, not both."]
    if not fields.every and not fields.services:
        return ["Choose the services the notice applies to, or all services."]
    return [f"There is no service '{sid}' in the menus: choose from the list."
            for sid in fields.services if sid not in tree.services]


def _times(fields: Fields, now: datetime,
           problems: list[str]) -> tuple[datetime | None, datetime | None]:
    """The start (now when left empty) and the end, in Japan time; problems added."""
    start = parse_time(fields.start) if fields.start else now.replace(second=0, microsecond=0)
    if start is None:
        problems.append(f"The start '{fields.start}' is not a date and time: use the "
                        "picker, or write it as 2026-11-24T09:00 (Japan time).")
        return None, None
    end = _end(fields, start, problems)
    if end is None:
        return start, None
    if end <= start:
        problems.append("The notice must end after it starts.")
    elif end <= now:
        problems.append(f"The end ({end.astimezone(JAPAN):%Y-%m-%d %H:%M}) is already past: "
                        "the notice would never apply. Choose a later end.")
    elif end - start > LONGEST:
        problems.append("A notice lasts at most a year: for a lasting change, edit the menus.")
    return start, end


def _end(fields: Fields, start: datetime, problems: list[str]) -> datetime | None:
    day = start.astimezone(JAPAN).date() + timedelta(days=1)
    if fields.until == "day-end":
        return datetime.combine(day, time(0), JAPAN)
    if fields.until == "next-morning":
        return datetime.combine(day, time(9), JAPAN)
    if fields.until != "at":
        problems.append("Choose when the notice ends.")
        return None
    if not fields.end:
        problems.append("Choose when the notice ends: a notice always ends by itself.")
        return None
    end = parse_time(fields.end)
    if end is None:
        problems.append(f"The end '{fields.end}' is not a date and time: use the picker, "
                        "or write it as 2026-11-24T15:00 (Japan time).")
    return end


def parse_time(text: str) -> datetime | None:
    """A Japan date and time as typed ('2026-11-24T15:00'), aware; None when it is not one."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None or not 2000 <= moment.year <= 2999:
        return None
    return moment.replace(tzinfo=JAPAN)


def _reasons(fields: Fields, tree: Tree) -> list[str]:
    """Closing needs the reason in every language of the tree; opening needs none."""
    problems = []
    for code, language in tree.languages.items():
        typed = fields.reason.get(code, "")
        if not typed and fields.effect == "closed":
            problems.append(f"Write the reason callers hear in {language.name} ({code}).")
        elif len(typed) > MAX_REASON:
            problems.append(f"The reason in {language.name} ({code}) is too long "
                            f"({len(typed)} characters): at most {MAX_REASON}.")
    return problems
