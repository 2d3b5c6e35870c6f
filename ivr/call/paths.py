"""Every key path a caller can take through a tree at one moment, and where each one ends.

Pure core: no Flask, no database, no clock (``now`` is an argument). The tree
is walked with the real engine, as a call would be, from the call's first
step: the language key, then each key a place accepts (a menu's options, an
offer's choices, the back key), and, wherever a service is dialled, each
outcome of the connection (answered, busy, no answer, failed). A path stops
at a place already on it (the back key, an offer of a service dialled
before), at the end of the call, and after ``MAX_INPUTS`` inputs.

The keys after "no answer" and "failed" lead where the keys after "busy" do
(the engine offers the same choices after each), so they are walked once,
under "busy"; what the caller hears after each outcome is kept for each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import phonenumbers

from ivr.call import connect, engine, spoken
from ivr.call.events import Kind as E
from ivr.call.steps import Kind, Place, Step
from ivr.phonetree import hours
from ivr.phonetree.hours import Why
from ivr.phonetree.tree import Hotline, Tree

OUTCOMES = {"completed": "(answered)", "busy": "(busy)", "no-answer": "(no answer)",
            "failed": "(failed)"}  # Twilio's DialCallStatus -> how a path names it
LANGUAGE_KEY = "lang"  # a path's first input on a hotline of several languages
MAX_INPUTS = 10  # keys and connection outcomes on one path, the language key included
MAX_PATHS = 2000  # per walk; beyond, the walk says it was cut short
# Why a service is closed (hours.Why), as staff say it.
REASONS = {
    Why.BEFORE_HOURS: "not open yet today", Why.AFTER_HOURS: "after hours",
    Why.BREAK: "lunch break", Why.WEEKEND: "weekend", Why.DAY_OFF: "no hours on this weekday",
    Why.HOLIDAY: "national holiday", Why.YEAR_END: "year-end closure",
    Why.CLOSURE: "dated closure", Why.OVERRIDE: "temporary closure",
    Why.UNKNOWN: "its hours could not be worked out",
}


class Goes(StrEnum):
    """Where a path leads."""

    LANGUAGES = "languages"  # the language choice
    MENU = "menu"            # a menu (``target``)
    DIAL = "dial"            # a service is dialled (``target``, ``number``)
    TELL = "tell"            # a service's number is read out (``target``, ``number``)
    CLOSED = "closed"        # a service is closed (``why``, ``opens``) and ``offered`` instead
    OFFER = "offer"          # a connection failed (``why``: busy...) and ``offered`` instead
    GOODBYE = "goodbye"      # the goodbye: the call ends
    BACK = "back"            # a place already on the path again (``target``: a menu...)


@dataclass(frozen=True)
class End:
    """Where a path leads; two trees are compared on this first, then on what is heard."""

    goes: Goes
    target: str | None = None
    number: str | None = None  # dialled (E.164) or told (as written)
    why: str | None = None     # closed: the reason in words; offer: busy, no_answer...
    opens: datetime | None = None  # closed: the next opening, Japan time
    offered: tuple[str, ...] = ()  # services offered, by key; "number": its number read out


@dataclass(frozen=True)
class Path:
    """One path: its inputs, where it leads and everything said after its last input."""

    keys: tuple[str, ...]
    end: End
    heard: tuple[str, ...]


@dataclass(frozen=True)
class Walk:
    """Every path of one hotline in one language at one moment, in the order a caller finds
    them (depth first, keys in menu order)."""

    hotline: str
    lang: str
    at: datetime
    paths: Mapping[tuple[str, ...], Path]
    truncated: bool = False


def label(keys: tuple[str, ...]) -> str:
    """A path as staff write it: "3-1", "4 (busy)-1"; its first steps by name."""
    if not keys:
        return "the greeting"
    if keys == (LANGUAGE_KEY,):
        return "the language key"
    text = ""
    for key in keys[1:] if keys[0] == LANGUAGE_KEY else keys:
        text += f" {key}" if key in OUTCOMES.values() else (f"-{key}" if text else key)
    return text


def walk(tree: Tree, hotline_id: str, lang: str, now: datetime) -> Walk:
    """Every path of ``hotline_id`` in ``lang`` at ``now`` (empty when the tree has neither)."""
    hotline = tree.hotlines.get(hotline_id)
    if hotline is None or lang not in hotline.languages:
        return Walk(hotline_id, lang, now, {})
    walker = _Walker(tree, hotline, lang, now)
    walker.start()
    return Walk(hotline_id, lang, now, walker.found, walker.truncated)


def first_step(tree: Tree, hotline: Hotline, now: datetime) -> Step:
    """The first step of a call to ``hotline``: the greeting, as when its number is dialled
    (a hotline no number reaches: its first place, without the greeting)."""
    number = None if hotline.default else next(iter(hotline.numbers), None)
    first = engine.start(tree, number)
    if first.gather is not None and first.gather.action.hotline == hotline.id:
        return first
    place = Place(Kind.LANGUAGE, hotline.id, target="language") \
        if len(hotline.languages) > 1 else Place(Kind.MENU, hotline.id, hotline.languages[0],
                                                 hotline.start)
    return engine.arrive(tree, hotline, place, now)


class _Walker:
    def __init__(self, tree: Tree, hotline: Hotline, lang: str, now: datetime) -> None:
        self.tree, self.hotline, self.lang, self.now = tree, hotline, lang, now
        self.found: dict[tuple[str, ...], Path] = {}
        self.truncated = False

    def start(self) -> None:
        hotline = self.hotline
        first = first_step(self.tree, hotline, self.now)
        if len(hotline.languages) == 1:  # no language key: the greeting leads to the menu
            self.visit((LANGUAGE_KEY,), first, frozenset())  # (so paths stay comparable
            self.found = {(): self.found.pop((LANGUAGE_KEY,)), **self.found}  # to several)
            return
        key = str(hotline.languages.index(self.lang) + 1)
        mine = tuple(u.text for u in first.speech if u.lang == self.lang)
        self.found[()] = Path((), End(Goes.LANGUAGES, target=key), mine)
        chosen = engine.respond(self.tree, first.gather.action, key, self.now)
        self.visit((LANGUAGE_KEY,), chosen, frozenset())

    def visit(self, keys: tuple[str, ...], step: Step, seen: frozenset, walked=None) -> None:
        """Record where ``keys`` lead, then walk on from there (``walked``: the offers
        a sibling outcome already walked)."""
        if len(self.found) >= MAX_PATHS:
            self.truncated = True
            return
        here = _identity(step)
        end = self.end(step, here in seen)
        heard = () if end.goes is Goes.BACK else tuple(u.text for u in step.speech)
        self.found[keys] = Path(keys, end, heard)
        if end.goes in (Goes.BACK, Goes.GOODBYE, Goes.LANGUAGES) or len(keys) >= MAX_INPUTS:
            return
        if step.dial is not None:
            if here not in seen:
                self.outcomes(keys, step, seen | {here})
            return
        place = step.gather.action
        if walked is not None and _offer(place) in walked:
            return
        if walked is not None:
            walked.add(_offer(place))
        for key in self.keys(place):
            answer = engine.respond(self.tree, place, key, self.now)
            if not any(event.kind is E.INVALID_KEY for event in answer.events):
                self.visit((*keys, key), answer, seen | {here})

    def outcomes(self, keys: tuple[str, ...], step: Step, seen: frozenset) -> None:
        walked: set = set()
        for status, name in OUTCOMES.items():
            answer = engine.respond(self.tree, step.dial.action, None, self.now, status)
            self.visit((*keys, name), answer, seen, walked)

    def keys(self, place: Place) -> list[str]:
        """The keys that do something at ``place`` (the repeat key only repeats)."""
        back = self.hotline.keys.back
        if place.kind is Kind.MENU:
            return [*self.tree.menus[place.target].options, back]
        if place.kind is Kind.OFFER:
            return [str(n) for n in range(1, len(place.alts) + 2)] + [back]
        return [back]

    def end(self, step: Step, again: bool) -> End:
        if step.dial is not None:
            return End(Goes.DIAL, step.dial.action.target, step.dial.number)
        if step.gather is None:
            return End(Goes.GOODBYE)
        place = step.gather.action
        if place.kind is Kind.LANGUAGE:
            return End(Goes.LANGUAGES)
        if again:
            return End(Goes.BACK, place.target)
        if place.kind is Kind.MENU:
            return End(Goes.MENU, place.target)
        service = self.tree.services[place.target]
        if place.kind is Kind.TELL:
            return End(Goes.TELL, service.id, service.number)
        if place.why == spoken.WHY:  # it does not speak the caller's language
            return End(Goes.OFFER, service.id, why=place.why, offered=(*place.alts, "anyway"))
        offered = place.alts + (("number",) if service.number else ())
        if place.why not in ("closed", "unknown"):
            return End(Goes.OFFER, service.id, why=place.why, offered=offered)
        status = connect.service_status(service, self.now)
        return End(Goes.CLOSED, service.id, why=reason(status), opens=status.next_open,
                   offered=offered)


def _identity(step: Step) -> tuple:
    """What makes a place the same place again on one path."""
    if step.dial is not None:
        return ("dial", step.dial.action.target)
    if step.gather is None:
        return ("end",)
    place = step.gather.action
    return (place.kind, place.target, place.why if place.kind is Kind.OFFER else None)


def _offer(place: Place) -> tuple:
    """An offer's choices, whatever the outcome that led to it."""
    return (place.kind, place.target, place.alts, place.origin)


def reason(status: hours.Status) -> str:
    """Why a service is closed, in words, with the holiday's name or the closure's reason."""
    words = REASONS.get(status.why, str(status.why))
    if status.holiday:
        return f"{words}: {status.holiday}"
    label_texts = getattr(status.cause, "label", None)
    if label_texts:
        return f"{words}: {label_texts.get('en') or next(iter(label_texts.values()))}"
    return words


def shown_number(number: str) -> str:
    """A dialled number as staff read it (+81 50-3754-5430); a told one as written."""
    if not number.startswith("+"):
        return number
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
