"""The language choice: the first thing a call hears, and the one every caller must get past.

Pure core. A hotline of a few languages greets and advises in each, in turn,
each language offering itself in its own words ("For English, press 1. 日本
語は、2を押してください..."). A hotline of many languages would take minutes
that way, so it sets ``welcome``: the call opens with a short greeting and the
110/119 advice in those languages only (the most frequent), then each
language offers itself in one short line, in its own words and voice, keys
1-8 in the order of ``languages``; the languages after the eighth say "press
9" and are offered again, keys 1-9, in a second short list. The chosen
language greets the caller (and gives the advice, if it was not among the
first) before its first menu.
"""

from __future__ import annotations

from ivr.call.events import Event
from ivr.call.events import Kind as E
from ivr.call.steps import Kind, Place, Step, gather_at, talk_for
from ivr.phonetree.speech import Utterance
from ivr.phonetree.tree import Hotline, Tree

FIRST = "language"  # the place (target) of the first list
MORE = "more"       # the second list, behind key 9
MORE_KEY = "9"


def place(hotline: Hotline, target: str = FIRST) -> Place:
    """The first list, or the second (when the hotline has one)."""
    return Place(Kind.LANGUAGE, hotline.id, target=target if target == MORE and
                 hotline.more_keys else FIRST)


def menu(tree: Tree, hotline: Hotline, at: Place, notice: tuple[Utterance, ...] = (),
         welcome: bool = False) -> Step:
    """The list at ``at``; on the first time (``welcome``), after the greeting and advice."""
    lines: list[Utterance] = list(notice)
    if at.target == MORE:
        for n, code in enumerate(hotline.more_keys, start=1):
            lines.append(_offer(tree, hotline, code, str(n), "language_option"))
        return Step(tuple(lines), gather=gather_at(hotline, at))
    if welcome and hotline.welcome is not None:
        lines += [talk_for(tree, hotline, code).say("welcome") for code in hotline.welcome]
    for n, code in enumerate(hotline.first_keys, start=1):
        if welcome and hotline.welcome is None:
            talk = talk_for(tree, hotline, code)
            lines += [talk.say("greeting"), talk.say("emergency")]
        lines.append(_offer(tree, hotline, code, str(n), "language_option"))
    for code in hotline.more_keys:
        lines.append(_offer(tree, hotline, code, MORE_KEY, "language_more"))
    return Step(tuple(lines), gather=gather_at(hotline, at))


def _offer(tree: Tree, hotline: Hotline, code: str, key: str, record_as: str) -> Utterance:
    talk = talk_for(tree, hotline, code)
    return talk.say("language_option", record_as, key=talk.key(key))


def chosen(hotline: Hotline, at: Place, digit: str) -> str | None:
    """The language a key chooses at ``at``, ``MORE`` for the second list, or None."""
    codes = hotline.more_keys if at.target == MORE else hotline.first_keys
    if digit == MORE_KEY and at.target != MORE and hotline.more_keys:
        return MORE
    if digit.isdigit() and 1 <= int(digit) <= len(codes):
        return codes[int(digit) - 1]
    return None


def speakers(hotline: Hotline, at: Place | None) -> tuple[str, ...]:
    """The languages that speak to a caller who has not chosen one yet, at ``at``: the
    second list's own, else the welcome's (all of them on a hotline without one)."""
    if at is not None and at.target == MORE:
        return hotline.more_keys
    return hotline.welcome or hotline.languages


def greeting(tree: Tree, hotline: Hotline, code: str) -> tuple[tuple[Utterance, ...],
                                                                  tuple[Event, ...]]:
    """What the chosen language says before its first menu, and the event of the advice.

    Nothing on a hotline that greets in every language first; the greeting where
    the welcome already gave the advice in this language; else both.
    """
    if hotline.welcome is None:
        return (), ()
    talk = talk_for(tree, hotline, code)
    if code in hotline.welcome:
        return (talk.say("greeting"),), ()
    return ((talk.say("greeting"), talk.say("emergency")),
            (Event.of(E.EMERGENCY_ADVICE, where="greeting"),))
