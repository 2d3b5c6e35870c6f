"""What a caller hears: phrase templates filled per language into utterances.

Pure core. An ``Utterance`` is a sentence in one language made of ``Part``s,
each with the name of the recording that can replace it, so a language with
text-to-speech speaks the sentence whole while a language with recordings only
(Nepali has no Twilio voice) plays it piece by piece. The phrase keys and the
slots each may use are fixed here; their words live in the menu files.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from ivr.phonetree.hours import DAY_MINUTES, Span, WeeklyHours
from ivr.phonetree.tree import Language, Service

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

PHRASES: dict[str, tuple[str, ...]] = {
    "greeting": (),
    "emergency": (),
    "language_option": ("key",),
    "option": ("label", "key"),
    "repeat_hint": ("key",),
    "back_hint": ("key",),
    "invalid": (),
    "no_input": (),
    "goodbye": (),
    "connecting": ("service",),
    "busy": ("service",),
    "no_answer": ("service",),
    "failed": ("service",),
    "not_dialable": ("service",),
    "closed": ("service",),
    "closed_before_hours": (),
    "closed_after_hours": (),
    "closed_break": (),
    "closed_weekend": (),
    "closed_day_off": ("weekday",),
    "closed_holiday": (),
    "closed_year_end": (),
    "closed_closure": ("reason",),
    "closed_override": ("reason",),
    "closed_unknown": (),
    "opens_today": ("time",),
    "opens_tomorrow": ("time",),
    "opens_weekday": ("weekday", "time"),
    "opens_date": ("date", "time"),
    "opens_unknown": (),
    "offer_service": ("service", "key"),
    "offer_number": ("service", "key"),
    "number": ("service", "number"),
    "number_again": ("number",),
    "hours": ("hours",),
    "hours_always": ("service",),
    "hours_holidays": (),
    "open_now": ("service",),
    "closed_now": ("service",),
    "hours_day": ("days", "spans"),
    "days_range": ("first", "last"),
    "span": ("start", "end"),
    "and": (),
    "time": ("hour", "minute", "hour12", "period"),
    "time_on_the_hour": ("hour", "hour12", "period"),
    "date": ("month", "day"),
    # added with the eleven languages
    "welcome": (),  # the short greeting and 110/119 advice that opens a call of many languages
    "speaks": ("service", "languages"),  # "IOM Tokyo speaks English and Japanese."
    "offer_language": ("service", "key"),  # an open service that speaks the caller's language
    "connect_anyway": ("service", "key"),
    "comma": (),  # between the items of a list, before the last one's "and"
}
TIME_SLOTS = ("hour", "minute", "hour12", "period")  # hour: 0-23; hour12: 1-12, with a period


@dataclass(frozen=True)
class Part:
    """A piece of a sentence and the recording that can stand for it (None: spacing)."""

    text: str
    key: str | None


@dataclass(frozen=True)
class Utterance:
    """A sentence in one language; ``key`` names a recording of the whole, if static."""

    lang: str
    parts: tuple[Part, ...]
    key: str | None = None

    @property
    def text(self) -> str:
        """The sentence, its first letter a capital (a name may start it: "the police...")."""
        whole = "".join(part.text for part in self.parts)
        return whole[:1].upper() + whole[1:]


Slot = Part | tuple[Part, ...]


def template_slots(template: str) -> list[str]:
    """The slot names a template uses, in order; raise ValueError when malformed."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def fill(language: Language, phrase: str, **slots: Slot) -> tuple[Part, ...]:
    """The parts of ``phrase`` in ``language`` with its slots filled."""
    parts: list[Part] = []
    chunk = 0
    for literal, name, _, _ in string.Formatter().parse(language.phrases[phrase]):
        if literal:
            chunk += 1
            has_words = any(ch.isalnum() for ch in literal)
            parts.append(Part(literal, f"{phrase}.{chunk}" if has_words else None))
        if name is not None:
            value = slots[name]
            parts.extend(value if isinstance(value, tuple) else (value,))
    return tuple(parts)


def say(language: Language, phrase: str, record_as: str | None = None,
        **slots: Slot) -> Utterance:
    """An utterance of ``phrase``, recorded whole as ``record_as`` (a phrase without slots
    is recorded under its own name)."""
    parts = fill(language, phrase, **slots)
    if record_as is None and not template_slots(language.phrases[phrase]):
        record_as = phrase
    return Utterance(language.code, parts, record_as)


def text(language: Language, value: str, key: str) -> Utterance:
    """An utterance of staff-written text (a menu prompt), recorded as ``key``."""
    return Utterance(language.code, (Part(value, key),), key)


def service_name(language: Language, service: Service) -> Part:
    return Part(service.name[language.code], f"service.{service.id}")


def key_name(language: Language, key: str) -> Part:
    """How a key is said: digits as themselves, ``*`` and ``#`` by their names."""
    label = {"*": "star", "#": "hash"}.get(key, key)
    return Part(language.key_names.get(key, key), f"key.{label}")


def weekday(language: Language, index: int) -> Part:
    return Part(language.weekdays[index], f"weekday.{DAY_KEYS[index]}")


def digit(language: Language, char: str) -> Part:
    """One digit as the language says it in a phone number ("zero", "幺", "meia")."""
    words = language.digit_names[int(char)] if language.digit_names else char
    return Part(words, f"digit.{char}")


def digits(language: Language, number: str) -> tuple[Part, ...]:
    """A phone number key by key, groups apart, so it can be written down ("#9110" too)."""
    parts: list[Part] = []
    groups = "".join(c if c.isdigit() or c in "*#" else " " for c in number).split()
    for group_index, group in enumerate(groups):
        if group_index:
            parts.append(Part(language.group_separator, None))
        for index, char in enumerate(group):
            if index:
                parts.append(Part(language.digit_separator, None))
            spoken = digit(language, char) if char.isdigit() else key_name(language, char)
            parts.append(spoken)
    return tuple(parts)


def time_of_day(language: Language, minutes: int) -> Part:
    """A time as the language says it ("13時30分", "1:30 ng hapon"), recorded as time.HHMM."""
    hour, minute = divmod(minutes, 60)
    phrase = "time_on_the_hour" if minute == 0 else "time"
    words = language.phrases[phrase].format(hour=hour, minute=f"{minute:02d}",
                                            hour12=hour % 12 or 12, period=period(language, hour))
    return Part(" ".join(words.split()), f"time.{hour:02d}{minute:02d}")


def period(language: Language, hour: int) -> str:
    """The words for the part of the day ``hour`` falls in ("in the afternoon", "下午")."""
    words = ""
    for first, name in language.periods:
        if hour >= first:
            words = name
    return words


def language_list(language: Language, codes: tuple[str, ...]) -> tuple[Part, ...]:
    """Languages by their names in ``language``: "English, Chinese and Korean"."""
    parts: list[Part] = []
    for index, code in enumerate(codes):
        if index:
            last = index == len(codes) - 1
            parts.extend(fill(language, "and" if last else "comma"))
        parts.append(Part(language.language_names.get(code, code), f"language.{code}"))
    return tuple(parts)


def date_parts(language: Language, month: int, day: int) -> tuple[Part, ...]:
    return fill(language, "date", month=Part(language.months[month - 1], f"month.{month}"),
                day=Part(str(day), f"day.{day}"))


def hours_parts(language: Language, weekly: WeeklyHours) -> tuple[Part, ...]:
    """Weekly hours in words: "Monday to Friday, 9:00 to 12:30 and 13:30 to 17:00"."""
    runs = _runs(weekly)
    joiner = fill(language, "and")
    parts: list[Part] = []
    for index, (first, last, spans) in enumerate(runs):
        if index:
            parts.extend(joiner)
        days: Slot = weekday(language, first)
        if last != first:
            days = fill(language, "days_range", first=weekday(language, first),
                        last=weekday(language, last))
        parts.extend(fill(language, "hours_day", days=days, spans=_spans(language, spans)))
    return tuple(parts)


def _spans(language: Language, spans: tuple[Span, ...]) -> tuple[Part, ...]:
    parts: list[Part] = []
    for index, span in enumerate(spans):
        if index:
            parts.extend(fill(language, "and"))
        end = span.end if span.end < DAY_MINUTES else 0
        parts.extend(fill(language, "span", start=time_of_day(language, span.start),
                          end=time_of_day(language, end)))
    return tuple(parts)


def _runs(weekly: WeeklyHours) -> list[tuple[int, int, tuple[Span, ...]]]:
    """Consecutive days with the same hours, as (first day, last day, spans)."""
    runs: list[tuple[int, int, tuple[Span, ...]]] = []
    for index, spans in enumerate(weekly.days):
        if not spans:
            continue
        if runs and runs[-1][1] == index - 1 and runs[-1][2] == spans:
            runs[-1] = (runs[-1][0], index, spans)
        else:
            runs.append((index, index, spans))
    return runs
