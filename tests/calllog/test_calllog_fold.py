"""Folding new events into a call's row, checked against ``summarise`` over all events.

``summarise`` is the definition of a call's row; ``fold`` is the fast path the
writer takes when a call's new events come after its stored ones. Random
calls of every kind of event (all outcomes, statuses final or not, silent
endings, empty values, events sharing a time) are cut into what is stored
and what arrives, and the fold must give exactly the full recompute, or say
it cannot (None) in the two cases its docstring names.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from ivr.call.events import CallEvent, EndReason, Kind
from ivr.calllog.fold import Stored, fold
from ivr.calllog.outcome import Outcome, summarise

from .calllog_support import T0, webhooks

KINDS = list(Kind)
MENUS = ["language", "main", "legal", "", None]
STATUSES = ["ringing", "in-progress", "completed", "busy", "no-answer", "", None]


def random_event(rnd: random.Random, sid: str, n: int, at) -> CallEvent:
    kind = rnd.choice(KINDS)
    data = {
        Kind.CALL_STARTED: lambda: {"caller_hash": rnd.choice(["h1", "h2", ""]),
                                    "caller_masked": rnd.choice(["+81 90-****-**78", None]),
                                    "caller_number": None},
        Kind.LANGUAGE_CHOSEN: lambda: {"language": rnd.choice(["en", "tl", "", None])},
        Kind.MENU_ENTERED: lambda: {"menu": rnd.choice(MENUS)},
        Kind.KEY_PRESSED: lambda: {"menu": rnd.choice(MENUS), "digit": "1"},
        Kind.INVALID_KEY: lambda: {"menu": rnd.choice(MENUS), "digit": "9", "attempt": 1},
        Kind.SILENCE: lambda: {"menu": rnd.choice(MENUS), "attempt": 1},
        Kind.SERVICE_CHOSEN: lambda: {"service": rnd.choice(["iom", "police", ""]),
                                      "menu": rnd.choice(MENUS)},
        Kind.DIAL_RESULT: lambda: {"dial_status": rnd.choice(["completed", "busy", None])},
        Kind.CALL_ENDED: lambda: {"reason": rnd.choice(list(EndReason))},
        Kind.CALL_STATUS: lambda: {"status": rnd.choice(STATUSES),
                                   "duration": rnd.choice(["95", "", None, "x"])},
    }.get(kind, dict)()
    return CallEvent(f"{sid}-{n}", sid, rnd.choice(["main", "kansai", "", ""]), at,
                     rnd.choice([0, 0, 1]), kind, data)


def random_call(rnd: random.Random, sid: str = "CA1") -> list[CallEvent]:
    """Events in time order; some share a time (one webhook), as the voice views stamp them."""
    at, events = T0, []
    for n in range(rnd.randint(1, 14)):
        if rnd.random() < 0.7:
            at += timedelta(seconds=rnd.randint(1, 30), microseconds=rnd.randint(0, 999))
        events.append(random_event(rnd, sid, n, at))
    return sorted(events, key=lambda e: (e.at, e.seq))


def facts(stored: list[CallEvent]) -> Stored:
    return Stored(max(e.at for e in stored),
                  sum(e.kind == Kind.CALL_STATUS for e in stored),
                  sum(e.kind == Kind.CALL_ENDED for e in stored))


def cannot_fold(stored: list[CallEvent], new: list[CallEvent]) -> bool:
    """The two cases in which only all events tell the row (fold's docstring)."""
    if min(e.at for e in new) <= max(e.at for e in stored):
        return True
    old = summarise(stored).outcome
    earned = {Outcome.CONNECTED, Outcome.TOLD_NUMBER, Outcome.DIAL_FAILED, Outcome.CLOSED}
    return (old == Outcome.NO_INPUT and facts(stored).endings > 0
            and summarise(new).outcome not in earned
            and any(e.kind in {Kind.KEY_PRESSED, Kind.INVALID_KEY, Kind.LANGUAGE_CHOSEN}
                    for e in new)
            and not any(e.kind == Kind.CALL_ENDED and e.data.get("reason") == "no_input"
                        for e in new))


@pytest.mark.parametrize("seed", range(40))
def test_fold_equals_the_full_recompute(seed) -> None:
    rnd = random.Random(seed)
    folded = 0
    for _ in range(100):
        events = random_call(rnd)
        if len(events) < 2:
            continue
        cut = rnd.randint(1, len(events) - 1)
        stored, new = events[:cut], events[cut:]
        if rnd.random() < 0.2:
            rnd.shuffle(new)  # arrival order within a batch does not matter
        result = fold(summarise(stored), facts(stored), new)
        if cannot_fold(stored, new):
            assert result is None
        else:
            assert result == summarise(stored + new)  # ties: in the order they arrive
            folded += 1
    assert folded > 40  # the fast path is the usual one


def test_a_status_callback_stored_before_the_last_webhook_cannot_be_folded(script) -> None:
    call = script("CA1").started().connected()
    call.status("completed", "95")
    last = call.events[-2]  # the call_ended of the dial, before the status callback
    stored = [e for e in call.events if e is not last]
    assert fold(summarise(stored), facts(stored), [last]) is None


def test_a_key_after_a_silent_ending_cannot_be_folded(script) -> None:
    call = script("CA1").started()
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.CALL_ENDED, where="language", reason=EndReason.NO_INPUT)
    stored = call.events[:]
    key = call.add(Kind.KEY_PRESSED, menu="language", digit="1")
    assert summarise(stored).outcome == Outcome.NO_INPUT
    assert fold(summarise(stored), facts(stored), [key]) is None
    assert summarise([*stored, key]).outcome == Outcome.NO_INPUT  # the stored ending decides


def test_a_call_folded_webhook_by_webhook_is_the_recompute(script) -> None:
    call = script("CA1").started().connected(language="tl", service="iom")
    call.status("completed", "95")
    first, *later = webhooks(call.events)
    stored, summary = first, summarise(first)
    for webhook in later:
        summary = fold(summary, facts(stored), webhook)
        stored = [*stored, *webhook]
        assert summary == summarise(stored)
    assert (summary.outcome, summary.language, summary.service, summary.status,
            summary.duration, summary.event_count) == (
        Outcome.CONNECTED, "tl", "iom", "completed", 95, 11)
