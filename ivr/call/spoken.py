"""Which services speak the caller's language, and what a caller hears when one does not.

Pure core. A service may list the languages its staff speak (``languages:``).
Before a caller is connected to a service that does not speak theirs, they
hear which languages it speaks ("IOM Tokyo speaks English and Japanese");
when an alternative that speaks their language is open now, it is offered
first, and the caller chooses ("press 1 for Houterasu, which speaks your
language; press 2 to call IOM Tokyo anyway"). A service without a list says
nothing: its languages are unknown, not none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ivr.call.steps import Kind, Place, Step, Talk, gather_at, talk_for
from ivr.phonetree.speech import Utterance, language_list
from ivr.phonetree.tree import Hotline, Service, Tree

WHY = "language"  # the offer's reason (Place.why)
ANYWAY = "anyway"  # a service chosen again after the offer: connect it without asking twice


def speaks(service: Service, lang: str | None) -> bool:
    """True when the service is known to speak ``lang``."""
    return lang is not None and lang in service.languages


def foreign(service: Service, lang: str | None) -> bool:
    """True when the service lists its languages and the caller's is not one of them."""
    return bool(service.languages) and lang is not None and lang not in service.languages


def preferred(tree: Tree, candidates: list[str], lang: str | None) -> list[str]:
    """``candidates`` with the services that speak ``lang`` first, each group in its order."""
    return sorted(candidates, key=lambda sid: not speaks(tree.services[sid], lang))


def notice(talk: Talk, service: Service, place: Place | None = None) -> tuple[Utterance, ...]:
    """ "IOM Tokyo speaks English and Japanese.", when it does not speak the caller's (and
    the caller did not just hear it, in the offer they chose it from)."""
    if not foreign(service, talk.language.code) or (place is not None and place.why == ANYWAY):
        return ()
    names = language_list(talk.language, service.languages)
    return (talk.say("speaks", service=talk.service(service.id), languages=names),)


def offer(tree: Tree, hotline: Hotline, place: Place, service: Service,
          can_connect: Callable[[Service], bool]) -> Step | None:
    """The offer of open services that speak the caller's language, before connecting one
    that does not; None when there is none (or the caller already chose this one)."""
    if place.why == ANYWAY or not foreign(service, place.lang):
        return None
    alts = tuple(sid for sid in service.alternatives if sid != service.id
                 and speaks(tree.services[sid], place.lang)
                 and can_connect(tree.services[sid]))[:3]
    if not alts:
        return None
    at = Place(Kind.OFFER, hotline.id, place.lang, service.id, place.origin, WHY, alts)
    return step(tree, hotline, at)


def step(tree: Tree, hotline: Hotline, at: Place, lead: tuple[Utterance, ...] = ()) -> Step:
    """The language offer at ``at`` (again after a repeat or a silence)."""
    talk = talk_for(tree, hotline, at.lang)
    service = tree.services[at.target]
    lines = [*lead, *notice(talk, service)]
    for n, sid in enumerate(at.alts, start=1):
        lines.append(talk.say("offer_language", service=talk.service(sid), key=talk.key(str(n))))
    lines.append(talk.say("connect_anyway", service=talk.service(service.id),
                          key=talk.key(str(len(at.alts) + 1))))
    return Step((*lines, *talk.hints()), gather=gather_at(hotline, at))


def chosen(at: Place, digit: str) -> Place | None:
    """The service a key chooses in the language offer (to connect), or None."""
    if not digit.isdigit() or digit == "0":
        return None
    n = int(digit)
    if n <= len(at.alts):
        return Place(Kind.SERVICE, at.hotline, at.lang, at.alts[n - 1], at.origin)
    if n == len(at.alts) + 1:
        return dataclasses.replace(at, kind=Kind.SERVICE, why=ANYWAY, alts=())
    return None
