"""How a language file becomes a ``Language``: its voice and the words of every phrase.

Pure core. Every phrase the engine uses must be there, with only the slots
that phrase has; the voice must be one Twilio can speak, or ``say: none`` for
a language that is recorded instead.
"""

from __future__ import annotations

from typing import Any

from ivr.phonetree import fields, speech, voices
from ivr.phonetree.report import Invalid, Section, did_you_mean
from ivr.phonetree.tree import Language, Voice, frozen_map
from ivr.phonetree.yamlsource import LocatedList


def build(code: str, s: Section, built: dict) -> Language | None:
    """A language of the menus: its voice, its phrases, the words for days and months."""
    voice = _voice(s)
    phrases = _phrases(s)
    weekdays = s.take("weekdays", _names(7, "weekdays, Monday first"))
    months = s.take("months", _names(12, "months, January first"))
    key_names = s.take("keys", fields.texts, {})
    digits = s.child("digits")
    separators = (", ", ". ")
    if digits is not None:
        separators = (digits.take("separator", str, ", "), digits.take("group", str, ". "))
        digits.done(("separator", "group"))
    name = s.take("name", fields.text)
    if None in (voice, phrases, weekdays, months, name):
        return None
    return Language(code, name, voice, frozen_map(phrases), weekdays, months,
                    frozen_map(key_names or {}), *separators)


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
