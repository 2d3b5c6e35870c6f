"""Where a call is and what happens next: the values the engine passes around.

Pure core. A ``Place`` is the state of a call (it travels in the webhook
URL); a ``Step`` is what the caller hears next and where their keys, their
silence or their connection's outcome go. ``Talk`` is the vocabulary of one
language for building what is heard.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from ivr.call.events import Event
from ivr.phonetree import speech
from ivr.phonetree.speech import Utterance
from ivr.phonetree.tree import Hotline, Language, Tree


class Kind(StrEnum):
    """Kinds of place in a call."""

    LANGUAGE = "language"  # the language choice
    MENU = "menu"          # a menu of the tree
    SERVICE = "service"    # connect a service (a transient place: it dials or explains)
    DIALLED = "dialled"    # Twilio's <Dial action>: the outcome of a connection
    OFFER = "offer"        # a service is closed, busy or failed: what the caller can do now
    TELL = "tell"          # a service's number and hours, read out


@dataclass(frozen=True)
class Place:
    """Where a call is, everything the next step needs; encoded in the webhook URL."""

    kind: Kind
    hotline: str
    lang: str | None = None
    target: str | None = None   # menu id or service id
    origin: str | None = None   # the menu a service was chosen from ('back' returns there)
    why: str | None = None      # OFFER: closed, busy, no_answer, failed, unknown
    alts: tuple[str, ...] = ()  # OFFER: the services offered, in key order
    silence: int = 0            # silences so far at this place
    invalid: int = 0            # invalid keys so far at this place

    def fresh(self) -> Place:
        return dataclasses.replace(self, silence=0, invalid=0)


@dataclass(frozen=True)
class Gather:
    """Wait for one key: keys go to ``action``, silence to ``on_silence``."""

    action: Place
    on_silence: Place
    timeout: int


@dataclass(frozen=True)
class Dial:
    """Connect the caller; Twilio posts the outcome to ``action``."""

    number: str
    caller_id: str | None
    timeout: int
    action: Place


@dataclass(frozen=True)
class Step:
    """What to play, then: gather a key, dial, go on to a place, or hang up."""

    speech: tuple[Utterance, ...]
    gather: Gather | None = None
    dial: Dial | None = None
    redirect: Place | None = None
    hangup: bool = False
    events: tuple[Event, ...] = ()


class Talk:
    """Phrases of one language, for one hotline: a small vocabulary for the steps."""

    def __init__(self, tree: Tree, hotline: Hotline, language: Language) -> None:
        self.tree, self.hotline, self.language = tree, hotline, language

    def say(self, phrase: str, record_as: str | None = None, **slots) -> Utterance:
        return speech.say(self.language, phrase, record_as, **slots)

    def key(self, key: str) -> speech.Part:
        return speech.key_name(self.language, key)

    def service(self, service_id: str) -> speech.Part:
        return speech.service_name(self.language, self.tree.services[service_id])

    def hints(self) -> tuple[Utterance, ...]:
        keys = self.hotline.keys
        return (self.say("repeat_hint", "repeat_hint", key=self.key(keys.repeat)),
                self.say("back_hint", "back_hint", key=self.key(keys.back)))


def where(place: Place) -> str:
    """How the call log names a place: 'language', a menu id, 'offer:iom'..."""
    if place.kind in (Kind.LANGUAGE, Kind.MENU):
        return place.target or place.kind.value
    return f"{place.kind.value}:{place.target}"


def talk_for(tree: Tree, hotline: Hotline, lang: str) -> Talk:
    return Talk(tree, hotline, tree.languages[lang])


def gather_at(hotline: Hotline, place: Place) -> Gather:
    return Gather(action=dataclasses.replace(place, silence=0),
                  on_silence=dataclasses.replace(place, silence=place.silence + 1),
                  timeout=hotline.input.timeout)
