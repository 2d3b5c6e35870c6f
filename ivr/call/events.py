"""What happened in a call, as plain values the engine emits and the call log stores.

Pure core: no I/O, no clock, no Flask. The engine returns ``Event`` values
with each step; the voice views stamp them with the call and the time and hand
them to the call log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Kind(StrEnum):
    """Every kind of call event, with the fields its ``data`` may carry."""

    CALL_STARTED = "call_started"          # hotline, caller (raw; the log masks it), to
    LANGUAGE_CHOSEN = "language_chosen"    # language
    MENU_ENTERED = "menu_entered"          # menu
    KEY_PRESSED = "key_pressed"            # menu, digit
    INVALID_KEY = "invalid_key"            # menu, digit, attempt
    SILENCE = "silence"                    # menu, attempt
    SERVICE_CHOSEN = "service_chosen"      # service, menu
    CLOSED = "closed"                      # service, reason, next_open (ISO, Japan time) | None,
    #                                        cause: what closed it, by key ("notice.12",
    #                                        "closure.<calendar>.<n>", "override.<service>.<n>")
    #                                        | None (hours, weekends, holidays)
    DIAL_STARTED = "dial_started"          # service, number
    DIAL_RESULT = "dial_result"            # service, dial_status, dial_duration (s) | None
    NUMBER_TOLD = "number_told"            # service
    FALLBACK_USED = "fallback_used"        # error_code, error_url (Twilio's Voice Fallback URL),
    #                                        or reason (FallbackReason: the app's own fallback)
    EMERGENCY_ADVICE = "emergency_advice"  # where (greeting | goodbye | closed | unavailable)
    CALL_ENDED = "call_ended"              # where (menu id or service), reason
    CALL_STATUS = "call_status"            # status, duration (s) (Twilio's status callback)


class EndReason(StrEnum):
    """Why the app itself ended a call (``CALL_ENDED.reason``)."""

    GOODBYE = "goodbye"            # the caller chose to end, or a tell/goodbye option
    NO_INPUT = "no_input"          # silence after the last retry
    TOO_MANY_INVALID = "too_many_invalid"
    DIALLED = "dialled"            # the caller was connected and the call went on there


class FallbackReason(StrEnum):
    """Why the app itself answered with the static fallback (``FALLBACK_USED.reason``)."""

    NO_MENUS = "no_menus"  # no tree passed the checks, and no last good one was kept
    ERROR = "error"        # a step of the app failed


@dataclass(frozen=True)
class Event:
    """One thing that happened, without its call or time (the engine knows neither).

    Its fields are a tuple of pairs so that an event - and a step holding it -
    can be hashed, which lets the TwiML of a step be cached.
    """

    kind: Kind
    fields: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, kind: Kind, **data: Any) -> Event:
        return cls(kind, tuple(data.items()))

    @property
    def data(self) -> Mapping[str, Any]:
        return MappingProxyType(dict(self.fields))


@dataclass(frozen=True)
class CallEvent:
    """An event stamped with its call, its hotline and the UTC time it happened.

    ``uid`` is unique per event, so writing the same event twice (a retried
    spool, a duplicated status callback, a replayed or retried webhook: the
    voice views name each event after its request) stores it once.
    """

    uid: str
    call_sid: str
    hotline: str
    at: datetime
    seq: int  # order within one webhook request (events of one request share ``at``)
    kind: Kind
    data: Mapping[str, Any]
