"""What a call came to, derived from its events alone (pure: no I/O, no clock).

``summarise`` defines a call's summary from all of its events, so it does
not depend on the order in which Twilio's requests (or a drained spool)
deliver them. The writer gets the same result faster: a new call's in one
pass (``onepass``), a known call's by folding new events into the stored
summary (``fold``), recomputing with ``summarise`` when it cannot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from ivr.call.events import CallEvent, EndReason, Kind

JAPAN = ZoneInfo("Asia/Tokyo")
# Twilio's final call statuses; anything else is a call still in progress.
FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
_MENU_KINDS = frozenset({Kind.MENU_ENTERED, Kind.KEY_PRESSED, Kind.INVALID_KEY,
                         Kind.SILENCE, Kind.SERVICE_CHOSEN})
INPUT_KINDS = frozenset({Kind.KEY_PRESSED, Kind.INVALID_KEY, Kind.LANGUAGE_CHOSEN})


class Outcome(StrEnum):
    """How a call ended, from the hotline's point of view."""

    CONNECTED = "connected"
    TOLD_NUMBER = "told_number"
    DIAL_FAILED = "dial_failed"
    CLOSED = "closed"
    NO_INPUT = "no_input"
    ENDED_IN_MENU = "ended_in_menu"


def outcome_of(events: Sequence[CallEvent]) -> tuple[Outcome, str | None]:
    """Return the call's outcome and, for no_input and ended_in_menu, the menu it ended in.

    The best thing that happened to the caller wins: connected (a dial result
    "completed") > told_number (a number was read out) > dial_failed (a dial
    whose result was anything else, or whose result has not arrived yet: we
    never claim a connection we have not seen) > closed (the chosen service
    was closed) > no_input (the app ended the call after silence, or the
    caller never pressed a key) > ended_in_menu (the caller hung up, said
    goodbye or pressed too many invalid keys in a menu). The menu is the last
    one the caller was in.
    """
    kinds = {e.kind for e in events}
    dial_statuses = {e.data.get("dial_status") for e in events if e.kind == Kind.DIAL_RESULT}
    menu = _last_menu(events)
    if "completed" in dial_statuses:
        return Outcome.CONNECTED, None
    if Kind.NUMBER_TOLD in kinds:
        return Outcome.TOLD_NUMBER, None
    if dial_statuses or Kind.DIAL_STARTED in kinds:
        return Outcome.DIAL_FAILED, None
    if Kind.CLOSED in kinds:
        return Outcome.CLOSED, None
    ended_silent = any(e.kind == Kind.CALL_ENDED and e.data.get("reason") == EndReason.NO_INPUT
                       for e in events)
    if ended_silent or not kinds & INPUT_KINDS:
        return Outcome.NO_INPUT, menu
    return Outcome.ENDED_IN_MENU, menu


def _last_menu(events: Sequence[CallEvent]) -> str | None:
    """Return the menu of the last event that names one."""
    menus = [e.data.get("menu") for e in events if e.kind in _MENU_KINDS and e.data.get("menu")]
    return str(menus[-1]) if menus else None


@dataclass(frozen=True)
class CallSummary:
    """The call record's columns, as its events (already redacted) determine them."""

    hotline: str
    started_at: datetime  # aware UTC
    ended_at: datetime | None
    duration: int | None
    status: str | None
    language: str | None
    caller_hash: str | None
    caller_masked: str | None
    caller_number: str | None
    outcome: Outcome
    outcome_menu: str | None
    service: str | None
    hit_closed: bool
    event_count: int

    @property
    def local_start(self) -> datetime:
        return self.started_at.astimezone(JAPAN)

    @property
    def local_date(self) -> date:
        return self.local_start.date()


def summarise(events: Sequence[CallEvent]) -> CallSummary:
    """Return the summary of a call from all of its events (at least one)."""
    ordered = sorted(events, key=lambda e: (e.at, e.seq))
    started = _last(ordered, Kind.CALL_STARTED)
    status = _final_status(ordered)
    ended = status or _last(ordered, Kind.CALL_ENDED)
    outcome, menu = outcome_of(ordered)
    return CallSummary(
        hotline=next((e.hotline for e in ordered if e.hotline), ""),
        started_at=ordered[0].at,
        ended_at=ended.at if ended else None,
        duration=_seconds(status.data.get("duration")) if status else None,
        status=_text(status.data.get("status")) if status else None,
        language=_field(ordered, Kind.LANGUAGE_CHOSEN, "language"),
        caller_hash=_text(started.data.get("caller_hash")) if started else None,
        caller_masked=_text(started.data.get("caller_masked")) if started else None,
        caller_number=_text(started.data.get("caller_number")) if started else None,
        outcome=outcome,
        outcome_menu=menu,
        service=_field(ordered, Kind.SERVICE_CHOSEN, "service"),
        hit_closed=any(e.kind == Kind.CLOSED for e in ordered),
        event_count=len(ordered),
    )


def _last(events: Sequence[CallEvent], kind: Kind) -> CallEvent | None:
    found = [e for e in events if e.kind == kind]
    return found[-1] if found else None


def _field(events: Sequence[CallEvent], kind: Kind, name: str) -> str | None:
    event = _last(events, kind)
    return _text(event.data.get(name)) if event else None


def _final_status(events: Sequence[CallEvent]) -> CallEvent | None:
    """Return the last status callback with a final status, else the last one at all."""
    statuses = [e for e in events if e.kind == Kind.CALL_STATUS]
    final = [e for e in statuses if e.data.get("status") in FINAL_STATUSES]
    return (final or statuses or [None])[-1]


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _seconds(value: object) -> int | None:
    """Return Twilio's duration (a string of digits in its requests) as an int."""
    try:
        return int(str(value))
    except ValueError:
        return None
