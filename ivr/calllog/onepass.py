"""A call's summary and row in one pass over its events: what ``summarise`` gives, faster.

``summarise`` (``outcome``) stays the definition: it reads the events once per
column, which is clear but costs the drain more than the rest of a new call's
work. Here one loop notes what each column needs, in the same order of events,
with the same comparisons, so the result is the same for any events
(``tests/calllog/test_calllog_onepass.py`` compares the two on generated calls).
The events must be in order already: sorted by (time, seq), as ``summarise``
sorts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ivr.call.events import CallEvent, EndReason, Kind
from ivr.calllog.outcome import (
    _MENU_KINDS,
    FINAL_STATUSES,
    INPUT_KINDS,
    JAPAN,
    CallSummary,
    Outcome,
    _seconds,
    _text,
)

# What the loop notes of each kind (a dict: Kind members and their text alike find it).
_STARTED, _STATUS, _ENDED, _LANGUAGE, _SERVICE, _CLOSED, _RESULT, _DIALLED, _TOLD = range(9)
_ROLES = {Kind.CALL_STARTED: _STARTED, Kind.CALL_STATUS: _STATUS, Kind.CALL_ENDED: _ENDED,
          Kind.LANGUAGE_CHOSEN: _LANGUAGE, Kind.SERVICE_CHOSEN: _SERVICE, Kind.CLOSED: _CLOSED,
          Kind.DIAL_RESULT: _RESULT, Kind.DIAL_STARTED: _DIALLED, Kind.NUMBER_TOLD: _TOLD}


def summary(ordered: Sequence[CallEvent]) -> CallSummary:
    """``summarise(ordered)`` for events already in order."""
    return CallSummary(*_columns(ordered))


def call_row(ordered: Sequence[CallEvent]) -> dict[str, Any]:
    """``store.call_row(summarise(ordered))`` for events already in order."""
    (hotline, started_at, ended_at, duration, status, language, caller_hash, caller_masked,
     caller_number, outcome, outcome_menu, service, hit_closed, event_count) = _columns(ordered)
    local = started_at.astimezone(JAPAN)
    return {
        "hotline": hotline, "started_at": _naive(started_at),
        "ended_at": _naive(ended_at) if ended_at else None,
        "duration": duration, "status": status, "language": language,
        "caller_hash": caller_hash, "caller_masked": caller_masked,
        "caller_number": caller_number, "outcome": str(outcome), "outcome_menu": outcome_menu,
        "service": service, "hit_closed": hit_closed, "local_date": local.date(),
        "local_weekday": local.weekday(), "local_hour": local.hour, "event_count": event_count,
    }


def _naive(moment: datetime) -> datetime:
    """``store.naive``: an aware time as naive UTC."""
    if moment.tzinfo is UTC:
        return moment.replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _columns(ordered: Sequence[CallEvent]) -> tuple[Any, ...]:
    """The values of ``CallSummary``'s fields, in its order."""
    hotline = ""
    started = status = final = ended = language = service = menu = None
    closed = told = dialled = inputs = False
    results: set[Any] = set()
    endings = []
    roles = _ROLES
    for event in ordered:
        kind, data = event.kind, event.data
        if not hotline and event.hotline:
            hotline = event.hotline
        if kind in _MENU_KINDS:
            menu = data.get("menu") or menu
        if kind in INPUT_KINDS:
            inputs = True
        role = roles.get(kind)
        if role is None:
            continue
        if role == _STARTED:
            started = event
        elif role == _STATUS:
            status = event
            if data.get("status") in FINAL_STATUSES:
                final = event
        elif role == _ENDED:
            ended = event
            endings.append(data)
        elif role == _LANGUAGE:
            language = event
        elif role == _SERVICE:
            service = event
        elif role == _CLOSED:
            closed = True
        elif role == _RESULT:
            results.add(data.get("dial_status"))
        elif role == _DIALLED:
            dialled = True
        else:
            told = True
    menu = None if menu is None else str(menu)
    if "completed" in results:
        outcome, menu = Outcome.CONNECTED, None
    elif told:
        outcome, menu = Outcome.TOLD_NUMBER, None
    elif results or dialled:
        outcome, menu = Outcome.DIAL_FAILED, None
    elif closed:
        outcome, menu = Outcome.CLOSED, None
    elif any(data.get("reason") == EndReason.NO_INPUT for data in endings) or not inputs:
        outcome = Outcome.NO_INPUT
    else:
        outcome = Outcome.ENDED_IN_MENU
    status = final or status
    ended = status or ended
    caller = started.data if started else None
    return (
        hotline, ordered[0].at, ended.at if ended else None,
        _seconds(status.data.get("duration")) if status else None,
        _text(status.data.get("status")) if status else None,
        _text(language.data.get("language")) if language else None,
        _text(caller.get("caller_hash")) if caller is not None else None,
        _text(caller.get("caller_masked")) if caller is not None else None,
        _text(caller.get("caller_number")) if caller is not None else None,
        outcome, menu,
        _text(service.data.get("service")) if service else None,
        closed, len(ordered),
    )
