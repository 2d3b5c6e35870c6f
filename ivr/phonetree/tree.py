"""The phone tree as frozen, typed values: what the loader builds and the engine walks.

Pure core: this module imports neither Flask, Werkzeug, SQLAlchemy nor twilio,
and does no I/O. Every object is immutable once loaded, so one tree can be
shared by all threads of a worker and swapped whole when the files change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from ivr.phonetree.hours import Schedule

Texts = Mapping[str, str]  # language code -> text


def frozen_map(items: Mapping | None = None) -> Mapping:
    """Return a read-only view of a copy of ``items``."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class Voice:
    """How Twilio speaks a language: ``<Say language voice>``, or recordings only."""

    language: str | None  # None: no text-to-speech, every prompt needs a recording
    voice: str | None = None
    rate: str | None = None  # SSML prosody rate, e.g. "90%"


@dataclass(frozen=True)
class Status:
    """Where a language's texts stand: the source text, a draft, or reviewed (by a role, when).

    ``state`` is "source" (the texts the others are translated from), "machine
    draft", "draft" (a person's, not reviewed) or "reviewed"; None when the
    file does not say.
    """

    state: str | None = None
    by: str | None = None  # who drafted or reviewed: a role, never a private person's name
    on: date | None = None
    note: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.state in ("machine draft", "draft")


@dataclass(frozen=True)
class Language:
    """A language of the hotline: its code, its spoken name and its phrases."""

    code: str
    name: str
    voice: Voice
    phrases: Mapping[str, str]  # phrase key -> template with {slots}
    weekdays: tuple[str, ...]   # Monday first
    months: tuple[str, ...]     # January first
    key_names: Mapping[str, str]  # "*" -> "star" ...
    digit_separator: str = ", "
    group_separator: str = ". "
    digit_names: tuple[str, ...] = ()  # 0-9 as said in a phone number ("zero", "幺"...)
    periods: tuple[tuple[int, str], ...] = ()  # (first hour, words) for {period} in times
    language_names: Mapping[str, str] = field(default_factory=frozen_map)  # code -> its name
    status: Status = field(default_factory=Status)


class Action(StrEnum):
    """What pressing an option's key does."""

    MENU = "menu"        # go to another menu
    CONNECT = "connect"  # connect a service (or explain why it cannot be)
    TELL = "tell"        # read a service's number and hours out
    GOODBYE = "goodbye"  # end the call, with the emergency advice
    LANGUAGE = "language"  # back to the language choice


@dataclass(frozen=True)
class Option:
    """One key of a menu: its label per language and what it does."""

    key: str
    action: Action
    target: str | None  # menu id or service id; None for goodbye/language
    label: Texts


@dataclass(frozen=True)
class Menu:
    """A menu: a prompt per language, options by key, and where 'back' goes."""

    id: str
    prompt: Texts
    options: Mapping[str, Option]
    back: str | None  # menu id; None means the language choice
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Source:
    """Where a service's number and hours come from, and when they were checked."""

    name: str
    url: str | None
    checked: date
    note: str | None = None


@dataclass(frozen=True)
class Service:
    """A place callers are connected to or told about.

    ``dial`` is the E.164 number Twilio dials; None means the service can only
    be told (0570 Navi Dial numbers, which Twilio cannot reach).
    """

    id: str
    name: Texts
    dial: str | None
    number: str | None  # the published number, read out to the caller
    schedule: Schedule
    alternatives: tuple[str, ...]  # service ids offered when this one is unavailable
    ring_seconds: int
    source: Source
    languages: tuple[str, ...] = ()  # languages its staff speak (information only)
    caller_id: str | None = None


@dataclass(frozen=True)
class Input:
    """How long to wait for a key and how many tries a caller gets."""

    timeout: int = 10  # seconds to wait for a key, once the prompts are said
    silence_retries: int = 3  # the N-th silence in a row ends the call
    invalid_retries: int = 3  # the N-th wrong key at the same place ends the call


@dataclass(frozen=True)
class Keys:
    """The keys that mean the same in every menu and language."""

    repeat: str = "*"
    back: str = "0"


@dataclass(frozen=True)
class Hotline:
    """One hotline: the numbers it answers, its languages, keys and first menu."""

    id: str
    name: str
    numbers: tuple[str, ...]
    languages: tuple[str, ...]
    start: str
    timezone: str
    keys: Keys
    input: Input
    caller_id: str | None
    default: bool
    # The languages whose short welcome (greeting and 110/119 advice) opens the call,
    # before the language choice; None: every language greets and advises in turn.
    welcome: tuple[str, ...] | None = None

    @property
    def first_keys(self) -> tuple[str, ...]:
        """The languages chosen by keys 1-9 at once; with more than 9, the first 8 (key 9
        leads to the others: ``more_keys``)."""
        return self.languages if len(self.languages) <= 9 else self.languages[:8]

    @property
    def more_keys(self) -> tuple[str, ...]:
        """The languages behind key 9 of the language choice, in a second, short list."""
        return self.languages[len(self.first_keys):]


@dataclass(frozen=True)
class Tree:
    """Everything loaded from the menus folder, validated and cross-checked."""

    hotlines: Mapping[str, Hotline]
    languages: Mapping[str, Language]
    services: Mapping[str, Service]
    menus: Mapping[str, Menu]
    recordings: Mapping[tuple[str, str], str] = field(default_factory=frozen_map)  # -> file
    version: str = ""
    # Recordings made by a speech synthesiser to stand in until a person records them:
    # never reviewed, reported by menus check and the staff pages.
    placeholders: frozenset[tuple[str, str]] = frozenset()

    def hotline_for(self, dialled: str | None) -> Hotline:
        """The hotline that answers ``dialled`` (the call's To), else the default one."""
        for hotline in self.hotlines.values():
            if dialled and dialled in hotline.numbers:
                return hotline
        return self.default_hotline

    @property
    def default_hotline(self) -> Hotline:
        for hotline in self.hotlines.values():
            if hotline.default:
                return hotline
        return next(iter(self.hotlines.values()))
