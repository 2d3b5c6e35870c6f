"""The ways a synthetic caller goes through the menus, and the year of calls made of them.

A journey writes a call's events after the greeting, as the engine would
have emitted them (condensed: no repeated prompts); the outcome the store
derives from them is the point of each. Shares are of all calls; a chosen
service then connects, fails, is closed at that hour or is only told.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, partial
from typing import Any

import holidays

from bench.callbench.synthetic import (
    DIAL,
    DIAL_RESULTS,
    DIALLED,
    HOTLINES,
    LANGUAGES,
    LEGAL,
    MISSING_STATUS,
    SERVICES,
    Callers,
    Script,
    Weighted,
    closed_reason,
    start_times,
)
from ivr.call.events import CallEvent, EndReason, Kind
from ivr.calllog.outcome import JAPAN

Journey = Callable[["CallMaker", Script, str], None]
TOLD_AFTER_CLOSED = 0.25  # callers who take the offered number when a service is closed


@dataclass
class CallMaker:
    """Makes the events of one call after another, from one seeded random source."""

    rng: random.Random
    national: Mapping[date, Any]
    callers: Callers

    def make(self, start: datetime) -> list[CallEvent]:
        """Return the events of a call that started at ``start`` (aware UTC)."""
        hotline = HOTLINES.draw(self.rng)
        script = Script(self.rng, f"CA{self.rng.getrandbits(128):032x}", hotline, start)
        hashed, masked = self.callers.pick()
        script.add(Kind.CALL_STARTED, hotline=hotline, to=DIALLED[hotline],
                   caller_hash=hashed, caller_masked=masked)
        script.add(Kind.MENU_ENTERED, menu="language")
        WAYS.draw(self.rng)(self, script, LANGUAGES.draw(self.rng))
        if self.rng.random() >= MISSING_STATUS:
            script.status()
        return script.events

    def service(self, script: Script, language: str) -> None:
        """Chose a service: connected, failed, closed (then perhaps told its number) or told."""
        service = SERVICES.draw(self.rng)
        script.request(4, 12).add(Kind.LANGUAGE_CHOSEN, language=language)
        script.request(5, 30).add(Kind.SERVICE_CHOSEN, service=service,
                                  menu="legal" if service in LEGAL else "main")
        if DIAL[service] is None:
            script.add(Kind.NUMBER_TOLD, service=service).request(30, 90)
            return
        closed = closed_reason(service, script.at.astimezone(JAPAN), self.national)
        if closed is not None:
            self.closed(script, service, *closed)
            return
        script.add(Kind.DIAL_STARTED, service=service, number=DIAL[service])
        self.dialled(script, service)

    def closed(self, script: Script, service: str, reason: str, next_open: datetime) -> None:
        script.add(Kind.CLOSED, service=service, reason=reason, next_open=next_open.isoformat())
        if self.rng.random() < TOLD_AFTER_CLOSED:
            script.request(10, 40).add(Kind.NUMBER_TOLD, service=service)
        script.request(15, 60)

    def dialled(self, script: Script, service: str) -> None:
        result = DIAL_RESULTS.draw(self.rng)
        if result != "completed":
            script.request(15, 40).add(Kind.DIAL_RESULT, service=service, dial_status=result,
                                       dial_duration=None)
            script.add(Kind.EMERGENCY_ADVICE, where="unavailable").request(10, 40)
            return
        talk = min(3600, round(self.rng.lognormvariate(5.5, 0.8)))
        script.request(talk + 5, talk + 25).add(Kind.DIAL_RESULT, service=service,
                                                dial_status=result, dial_duration=talk)
        script.add(Kind.CALL_ENDED, where=f"dialled:{service}", reason=EndReason.DIALLED.value)

    def informed(self, script: Script, language: str) -> None:
        """Asked for a number in the information menu."""
        script.request(4, 12).add(Kind.LANGUAGE_CHOSEN, language=language)
        script.request(5, 20).add(Kind.MENU_ENTERED, menu="info")
        service = SERVICES.draw(self.rng)
        script.request(5, 20).add(Kind.SERVICE_CHOSEN, service=service, menu="info")
        script.add(Kind.NUMBER_TOLD, service=service).request(30, 90)

    def hung_up(self, script: Script, language: str, menu: str) -> None:
        """Chose a language, then hung up in ``menu``."""
        script.request(4, 12).add(Kind.LANGUAGE_CHOSEN, language=language)
        if menu != "main":
            script.request(5, 20).add(Kind.KEY_PRESSED, menu="main",
                                      digit="3" if menu == "legal" else "5")
        script.request(5, 20).add(Kind.MENU_ENTERED, menu=menu).request(5, 40)

    def silent(self, script: Script, language: str, menu: str) -> None:
        """Said nothing in ``menu`` until the app said goodbye."""
        if menu != "language":
            script.request(4, 12).add(Kind.LANGUAGE_CHOSEN, language=language)
            script.add(Kind.MENU_ENTERED, menu=menu)
        for attempt in (1, 2):
            script.request(10, 11).add(Kind.SILENCE, menu=menu, attempt=attempt)
        script.request(10, 11).add(Kind.EMERGENCY_ADVICE, where="goodbye")
        script.add(Kind.CALL_ENDED, where=menu, reason=EndReason.NO_INPUT.value)

    def greeted(self, script: Script, _language: str) -> None:
        """Hung up during the greeting (its emergency advice may be all they needed)."""
        script.request(2, 15)

    def invalid(self, script: Script, _language: str) -> None:
        """Pressed a key the language choice does not offer, then hung up."""
        script.request(3, 10).add(Kind.INVALID_KEY, menu="language", digit="9", attempt=1)
        script.request(3, 20)


# Each journey and its share of all calls.
WAYS: Weighted[Journey] = Weighted.of({
    CallMaker.service: 0.66,
    CallMaker.informed: 0.08,
    partial(CallMaker.hung_up, menu="main"): 0.07,
    partial(CallMaker.hung_up, menu="legal"): 0.025,
    partial(CallMaker.hung_up, menu="info"): 0.025,
    CallMaker.greeted: 0.05,
    partial(CallMaker.silent, menu="language"): 0.04,
    partial(CallMaker.silent, menu="main"): 0.03,
    CallMaker.invalid: 0.02,
})


def calls_of_day(day: date, count: int, first_id: int, seed: int) -> list[list[CallEvent]]:
    """Return the calls of one Japan day (each call its events), in the order they started.

    The day has a random source of its own (from the seed and the date), so
    days can be made in any order, or in parallel, and come out the same;
    ``first_id`` (the first call's id, unique over the year) numbers the
    day's one-off callers.
    """
    rng = random.Random(f"{seed}/{day.isoformat()}")
    maker = CallMaker(rng, national_holidays(), Callers(rng, fresh=first_id))
    return [maker.make(start) for start in start_times(day, count, rng)]


@cache
def national_holidays() -> Mapping[date, Any]:
    return holidays.country_holidays("JP")
