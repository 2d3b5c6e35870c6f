"""How a language file becomes a ``Language``: its voice and the words of every phrase.

Pure core. Every phrase the engine uses must be there, with only the slots
that phrase has; the voice must be one Twilio can speak, or ``say: none`` for
a language that is recorded instead.
"""

from __future__ import annotations

from typing import Any

from ivr.phonetree import fields, speech, voices
from ivr.phonetree.report import Invalid, Section, did_you_mean
from ivr.phonetree.tree import Language, Status, Voice, frozen_map
from ivr.phonetree.yamlsource import LocatedList, LocatedMap

KNOWN = ("name", "status", "say", "phrases", "weekdays", "months", "keys", "digits", "periods",
         "language_names")
STATES = ("source", "machine draft", "draft", "reviewed")


def build(code: str, s: Section, built: dict) -> Language | None:
    """A language of the menus: its voice, its phrases, the words for days and months."""
    voice, status = _voice(s), _status(s)
    phrases = _phrases(s)
    weekdays = s.take("weekdays", _names(7, "weekdays, Monday first"))
    months = s.take("months", _names(12, "months, January first"))
    key_names = s.take("keys", fields.texts, {})
    digits = _digits(s.child("digits"))
    periods = s.take("periods", _periods, ())
    names = s.take("language_names", fields.texts, {})
    name = s.take("name", fields.text)
    if phrases is not None and periods is not None and not _periods_ok(s, phrases, periods):
        return None
    if None in (voice, status, phrases, weekdays, months, name, key_names, digits, periods):
        return None
    return Language(code, name, voice, frozen_map(phrases), weekdays, months,
                    frozen_map(key_names), digits[0], digits[1], digits[2], periods,
                    frozen_map(names or {}), status)


def _status(s: Section) -> Status | None:
    """The translation status: machine draft, draft, reviewed (by a role, on a date) or source."""
    status = s.child("status")
    if status is None:
        return None if s.has("status") else Status()
    state = status.take("state", _state)
    by, on = status.take("by", fields.text, None), status.take("on", fields.calendar_date, None)
    note = status.take("note", fields.text, None)
    status.done(("state", "by", "on", "note"))
    if state == "reviewed" and (by is None or on is None):
        status.error(None, "a reviewed translation says who reviewed it ('by': a role, such "
                     "as 'certified Vietnamese translator', never a private person's name) "
                     "and when ('on': the date)")
        return None
    return None if state is None else Status(state, by, on, note)


def _state(raw: Any) -> str:
    value = " ".join(fields.text(raw).lower().split())
    if value not in STATES:
        raise Invalid(f"'{value}' is not a translation status: write one of "
                      f"{', '.join(STATES)}{did_you_mean(value, STATES)}")
    return value


def _digits(digits: Section | None) -> tuple[str, str, tuple[str, ...]] | None:
    """The digits of a phone number: their names, and what goes between digits and groups."""
    if digits is None:
        return ", ", ". ", ()
    value = (digits.take("separator", str, ", "), digits.take("group", str, ". "),
             digits.take("names", _names(10, "digits as said in a phone number, 0 first"), ()))
    digits.done(("separator", "group", "names"))
    return None if None in value else value


def _periods(raw: Any) -> tuple[tuple[int, str], ...]:
    """Parts of the day by the hour they start: {"0": "at night", "5": "in the morning"}."""
    if not isinstance(raw, LocatedMap):
        raise Invalid("must give the words for each part of the day by the hour it starts, "
                      "e.g. 12: in the afternoon")
    periods = []
    for hour, words in raw.items():
        if not hour.isdigit() or int(hour) > 23:
            raise Invalid(f"'{hour}' is not an hour from 0 to 23", raw.lines[hour])
        periods.append((int(hour), fields.text(words)))
    if not periods or min(periods)[0] != 0:
        raise Invalid("must start at hour 0 (midnight)")
    return tuple(sorted(periods))


def _periods_ok(s: Section, phrases: dict[str, str], periods: tuple) -> bool:
    """A language whose times say the part of the day ({period}) has the words for it."""
    for phrase in ("time", "time_on_the_hour"):
        if phrase in phrases and "period" in speech.template_slots(phrases[phrase]) \
                and not periods:
            s.error("phrases", f"phrase '{phrase}' uses {{period}}: give the words for each "
                    "part of the day under 'periods:'")
            return False
    return True


def _voice(s: Section) -> Voice | None:
    if s.node.get("say") in ("none", "no"):
        s.used.add("say")
        return Voice(None)
    say = s.child("say")
    if say is None:
        if not s.has("say"):
            s.error(None, "'say' is missing: give its Twilio voice, or 'say: none' to use "
                    "recordings only")
        return None
    language, voice = say.take("language", fields.text), say.take("voice", fields.text, None)
    rate = say.take("rate", _rate, None)
    say.done(("language", "voice", "rate"))
    if language is None:
        return None
    problem = voices.check(language, voice)
    if problem:
        say.error("voice" if voice and language in voices.languages() else "language", problem)
        return None
    if voices.doubt(voice):
        say.warning("voice", voices.doubt(voice))
    return Voice(language, voice, rate)


def _rate(raw: Any) -> str:
    value = fields.text(raw)
    if value.endswith("%") and value[:-1].isdigit() and 50 <= int(value[:-1]) <= 200:
        return value
    if value in {"x-slow", "slow", "medium", "fast"}:
        return value
    raise Invalid(f"'{value}' is not a speaking rate: write a percentage such as 90%")


def _phrases(s: Section) -> dict[str, str] | None:
    phrases = s.take("phrases", fields.exact_texts)
    if phrases is None:
        return None
    node, ok = s.node["phrases"], True
    for name, template in phrases.items():
        if name not in speech.PHRASES:
            s.report.error(s.file, node.lines[name], f"{s.what}: unknown phrase '{name}'"
                           f"{did_you_mean(name, speech.PHRASES)}")
            ok = False
        elif not _slots_ok(s, name, template, node.lines[name]):
            ok = False
    missing = [name for name in speech.PHRASES if name not in phrases]
    if missing:
        s.error("phrases", f"phrases missing: {', '.join(missing)} (copy them from another "
                "language's file and translate them)")
    return phrases if ok and not missing else None


def _slots_ok(s: Section, name: str, template: str, line: int) -> bool:
    allowed = speech.PHRASES[name]
    try:
        used = speech.template_slots(template)
    except ValueError as exc:
        s.report.error(s.file, line, f"{s.what}: phrase '{name}' has a stray brace ({exc}); "
                       "braces only go around a slot, e.g. {service}")
        return False
    for slot in used:
        if slot not in allowed:
            can = ", ".join("{" + a + "}" for a in allowed) or "no slots"
            s.report.error(s.file, line, f"{s.what}: phrase '{name}' uses {{{slot}}}, which "
                           f"it does not have; it can use {can}")
            return False
    return True


def _names(count: int, what: str):
    def parse(raw: Any) -> tuple[str, ...]:
        if not isinstance(raw, LocatedList) or len(raw) != count:
            raise Invalid(f"must list the {count} {what}")
        return tuple(fields.text(item) for item in raw)
    return parse
