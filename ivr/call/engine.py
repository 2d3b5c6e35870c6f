"""The call, step by step: what the caller hears next and where their keys go.

Pure core: no Flask, no twilio, no clock. A call's state is a ``Place`` (it
travels in the webhook URLs, so any worker can answer any step); the engine
turns a place, the key pressed and ``now`` into a ``Step`` for ``twiml`` to
render, with the events for the call log. Whatever arrives - an unknown
menu, a bad language, a garbage key - the caller lands somewhere sane.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from ivr.call import choice, connect
from ivr.call.events import EndReason, Event
from ivr.call.events import Kind as E
from ivr.call.steps import Dial, Gather, Kind, Place, Step, Talk, gather_at, talk_for, where
from ivr.phonetree import speech
from ivr.phonetree.speech import Utterance
from ivr.phonetree.tree import Action, Hotline, Menu, Tree

__all__ = ["Dial", "Gather", "Kind", "Place", "Step", "Talk", "arrive", "back", "goodbye",
           "respond", "start", "where"]


def start(tree: Tree, dialled: str | None) -> Step:
    """The first step of a call to ``dialled``: greeting, 110 advice, language choice."""
    hotline = tree.hotline_for(dialled)
    place = choice.place(hotline)
    if len(hotline.languages) == 1:
        talk = talk_for(tree, hotline, hotline.languages[0])
        step = enter_menu(tree, hotline, talk.language.code, hotline.start, ())
        lead = (talk.say("greeting"), talk.say("emergency"))
        return _prefixed(step, lead, (Event.of(E.EMERGENCY_ADVICE, where="greeting"),
                                      Event.of(E.LANGUAGE_CHOSEN, language=talk.language.code)))
    step = language_menu(tree, hotline, place, welcome=True)
    events = (Event.of(E.EMERGENCY_ADVICE, where="greeting"),
              Event.of(E.MENU_ENTERED, menu="language"))
    return _prefixed(step, (), events)


def respond(tree: Tree, place: Place, digits: str | None, now: datetime,
            dial_status: str | None = None, dial_duration: int | None = None) -> Step:
    """The next step at ``place``: a key pressed, silence, a dial outcome, or arrival."""
    sane = _sane(tree, place)
    if sane != place:  # a stale or tampered URL: play the mended place afresh
        place, digits, dial_status = sane.fresh(), None, None
    hotline = tree.hotlines[place.hotline]
    if place.kind is Kind.DIALLED:
        if dial_status is None:  # the outcome was lost: treat it as a failed connection
            dial_status = "failed"
        return connect.dialled(tree, hotline, place, dial_status, dial_duration, now)
    if place.kind is Kind.SERVICE:
        return connect.connect(tree, hotline, place, now)
    if digits is None:
        return _silence(tree, hotline, place, now) if place.silence else arrive(
            tree, hotline, place, now)
    return _press(tree, hotline, place, digits.strip(), now)


def arrive(tree: Tree, hotline: Hotline, place: Place, now: datetime,
           notice: tuple[Utterance, ...] = ()) -> Step:
    """Play a place from its start (after ``notice``, e.g. "that key is not a choice")."""
    if place.kind is Kind.LANGUAGE:
        return language_menu(tree, hotline, place, notice)
    if place.kind is Kind.MENU:
        return menu_step(tree, hotline, place, notice)
    if place.kind is Kind.OFFER:
        return connect.offer(tree, hotline, place, now, notice)
    return connect.tell(tree, hotline, place, now, notice)


def _press(tree: Tree, hotline: Hotline, place: Place, digit: str, now: datetime) -> Step:
    keys = hotline.keys
    pressed = (Event.of(E.KEY_PRESSED, menu=where(place), digit=digit),)
    if digit == keys.repeat:
        return _prefixed(arrive(tree, hotline, place.fresh(), now), (), pressed)
    if digit == keys.back:
        return _prefixed(back(tree, hotline, place, now), (), pressed)
    step = _choose(tree, hotline, place, digit, now)
    if step is None:
        return _invalid(tree, hotline, place, digit, now)
    return _prefixed(step, (), pressed)


def _choose(tree: Tree, hotline: Hotline, place: Place, digit: str, now: datetime) -> Step | None:
    if place.kind is Kind.LANGUAGE:
        return _choose_language(tree, hotline, place, digit)
    if place.kind is Kind.MENU:
        option = tree.menus[place.target].options.get(digit)
        return None if option is None else _option(tree, hotline, place, option, now)
    if place.kind is Kind.OFFER:
        return connect.choose_offer(tree, hotline, place, digit, now)
    return None  # TELL has only the repeat and back keys


def _choose_language(tree: Tree, hotline: Hotline, place: Place, digit: str) -> Step | None:
    code = choice.chosen(hotline, place, digit)
    if code is None:
        return None
    if code == choice.MORE:
        return _prefixed(language_menu(tree, hotline, choice.place(hotline, choice.MORE)), (),
                         (Event.of(E.MENU_ENTERED, menu="language-more"),))
    greeting, advice = choice.greeting(tree, hotline, code)
    step = enter_menu(tree, hotline, code, hotline.start, greeting)
    return _prefixed(step, (), (Event.of(E.LANGUAGE_CHOSEN, language=code), *advice))


def _option(tree: Tree, hotline: Hotline, place: Place, option, now: datetime) -> Step:
    lang, menu_id = place.lang, place.target
    if option.action is Action.MENU:
        return enter_menu(tree, hotline, lang, option.target, ())
    if option.action is Action.LANGUAGE:
        return language_menu(tree, hotline, choice.place(hotline))
    if option.action is Action.GOODBYE:
        return goodbye(tree, hotline, lang, where(place), EndReason.GOODBYE)
    chosen = Event.of(E.SERVICE_CHOSEN, service=option.target, menu=menu_id)
    target = Place(Kind.SERVICE, hotline.id, lang, option.target, origin=menu_id)
    if option.action is Action.TELL:
        target = dataclasses.replace(target, kind=Kind.TELL)
        return _prefixed(connect.tell(tree, hotline, target, now), (), (chosen,))
    return _prefixed(connect.connect(tree, hotline, target, now), (), (chosen,))


def back(tree: Tree, hotline: Hotline, place: Place, now: datetime) -> Step:
    """Where the back key leads: the parent menu, the origin menu, or the language choice."""
    if place.kind is Kind.LANGUAGE:  # from the second list to the first; the first repeats
        return language_menu(tree, hotline, choice.place(hotline))
    if place.kind is Kind.MENU:
        parent = tree.menus[place.target].back
        if parent is None:
            if len(hotline.languages) > 1:
                lang_place = choice.place(hotline)
                return _prefixed(language_menu(tree, hotline, lang_place), (),
                                 (Event.of(E.MENU_ENTERED, menu="language"),))
            return arrive(tree, hotline, place.fresh(), now)
        return enter_menu(tree, hotline, place.lang, parent, ())
    origin = place.origin if place.origin in tree.menus else hotline.start
    return enter_menu(tree, hotline, place.lang, origin, ())


def _silence(tree: Tree, hotline: Hotline, place: Place, now: datetime) -> Step:
    """The place's ``place.silence``-th silence in a row: asked again, or, at the
    hotline's ``silence_retries``-th, the 110 advice and goodbye."""
    heard = (Event.of(E.SILENCE, menu=where(place), attempt=place.silence),)
    if place.silence >= hotline.input.silence_retries:
        return _prefixed(goodbye(tree, hotline, place.lang, where(place), EndReason.NO_INPUT,
                                 place), (), heard)
    notice = () if place.kind is Kind.LANGUAGE else (
        talk_for(tree, hotline, place.lang).say("no_input"),)
    return _prefixed(arrive(tree, hotline, place, now, notice), (), heard)


def _invalid(tree: Tree, hotline: Hotline, place: Place, digit: str, now: datetime) -> Step:
    """A wrong key, the ``attempt``-th at this place: said so and asked again, or, at the
    hotline's ``invalid_retries``-th, the 110 advice and goodbye."""
    attempt = place.invalid + 1
    wrong = (Event.of(E.INVALID_KEY, menu=where(place), digit=digit[:8], attempt=attempt),)
    if attempt >= hotline.input.invalid_retries:
        return _prefixed(goodbye(tree, hotline, place.lang, where(place),
                                 EndReason.TOO_MANY_INVALID, place), (), wrong)
    retry = dataclasses.replace(place, silence=0, invalid=attempt)
    codes = choice.speakers(hotline, place) if place.kind is Kind.LANGUAGE else (place.lang,)
    notice = tuple(talk_for(tree, hotline, code).say("invalid") for code in codes)
    return _prefixed(arrive(tree, hotline, retry, now, notice), (), wrong)


def goodbye(tree: Tree, hotline: Hotline, lang: str | None, at: str, reason: EndReason,
            place: Place | None = None) -> Step:
    """End the call kindly: the 110 advice and a goodbye, in the caller's language(s)."""
    codes = (lang,) if lang else choice.speakers(hotline, place)
    words = tuple(u for code in codes for u in (talk_for(tree, hotline, code).say("emergency"),
                                                 talk_for(tree, hotline, code).say("goodbye")))
    return Step(words, hangup=True, events=(Event.of(E.EMERGENCY_ADVICE, where="goodbye"),
                                            Event.of(E.CALL_ENDED, where=at, reason=reason.value)))


def language_menu(tree: Tree, hotline: Hotline, place: Place,
                  notice: tuple[Utterance, ...] = (), welcome: bool = False) -> Step:
    """Each language offers itself in its own words (see ``choice``); on the first time,
    after the greeting and the 110 advice."""
    return choice.menu(tree, hotline, place, notice, welcome)


def enter_menu(tree: Tree, hotline: Hotline, lang: str, menu_id: str,
               notice: tuple[Utterance, ...]) -> Step:
    place = Place(Kind.MENU, hotline.id, lang, menu_id)
    step = menu_step(tree, hotline, place, notice)
    return _prefixed(step, (), (Event.of(E.MENU_ENTERED, menu=menu_id),))


def menu_step(tree: Tree, hotline: Hotline, place: Place,
              notice: tuple[Utterance, ...] = ()) -> Step:
    """A menu: its prompt, one line per option, then the repeat and back keys."""
    talk = talk_for(tree, hotline, place.lang)
    menu: Menu = tree.menus[place.target]
    lines = [speech.text(talk.language, menu.prompt[place.lang], f"menu.{menu.id}")]
    for key, option in menu.options.items():
        label = speech.Part(option.label[place.lang], f"label.{menu.id}.{key}")
        lines.append(talk.say("option", f"option.{menu.id}.{key}", label=label, key=talk.key(key)))
    return Step(notice + tuple(lines) + talk.hints(), gather=gather_at(hotline, place))


def _prefixed(step: Step, speech_first: tuple[Utterance, ...],
              events: tuple[Event, ...]) -> Step:
    """``step`` with more speech said before it and more events logged before its own."""
    return dataclasses.replace(step, speech=speech_first + step.speech,
                               events=events + step.events)


def _sane(tree: Tree, place: Place) -> Place:
    """Mend a place that does not fit the tree (stale or tampered URL) into a sane one."""
    hotline = tree.hotlines.get(place.hotline) or tree.default_hotline
    choose = choice.place(hotline)
    if place.kind is Kind.LANGUAGE:
        return dataclasses.replace(place, hotline=hotline.id,
                                   target=choice.place(hotline, place.target or "").target)
    if place.lang not in hotline.languages:
        return choose
    if place.kind is Kind.MENU:
        if place.target in tree.menus:
            return dataclasses.replace(place, hotline=hotline.id)
        return Place(Kind.MENU, hotline.id, place.lang, hotline.start)
    if place.target not in tree.services:
        return Place(Kind.MENU, hotline.id, place.lang, hotline.start)
    alts = tuple(a for a in place.alts if a in tree.services)
    return dataclasses.replace(place, hotline=hotline.id, alts=alts)
