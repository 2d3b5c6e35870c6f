"""Folding new events into a call's summary, without reading its stored events (pure).

A call's webhooks nearly always reach the log in the order they happened,
so the summary of all of a call's events is the stored summary with the new
events laid on top: the latest language, service, caller and status win, the
best outcome wins. ``fold`` does that from the stored row and three facts
about the stored events (the time of the latest, how many status callbacks
and how many endings there were), and gives up (None) when that cannot be
exact: a new event older than a stored one (a status callback stored before
the call's last webhook), or a silent ending among the stored events when a
key is pressed after it. The caller then recomputes the call from all of its
events with ``summarise``, which stays the definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ivr.call.events import CallEvent, EndReason, Kind
from ivr.calllog import onepass
from ivr.calllog.outcome import FINAL_STATUSES, INPUT_KINDS, CallSummary, Outcome

# The outcomes some event earns for good, best first; the others depend on the whole call.
_EARNED = (Outcome.CONNECTED, Outcome.TOLD_NUMBER, Outcome.DIAL_FAILED, Outcome.CLOSED)


@dataclass(frozen=True)
class Stored:
    """What the fold needs to know of a call's stored events besides its row."""

    last_at: datetime  # the time of the latest stored event (aware UTC)
    statuses: int      # how many status callbacks are stored
    endings: int       # how many call_ended events are stored


def fold(old: CallSummary, stored: Stored, new: Sequence[CallEvent]) -> CallSummary | None:
    """Return the summary of the stored events and ``new`` ones (not stored before), or None.

    None means the result would depend on stored events the row does not
    describe: the caller must recompute from all events.
    """
    ordered = sorted(new, key=lambda e: (e.at, e.seq))
    if not ordered or ordered[0].at <= stored.last_at:
        return None
    part = onepass.summary(ordered)  # the new events on their own (as summarise)
    outcome = _outcome(old, stored, ordered, part)
    if outcome is None:
        return None
    kinds = {e.kind for e in ordered}
    caller = part if Kind.CALL_STARTED in kinds else old
    return CallSummary(  # every field but started_at anew (dataclasses.replace, faster)
        hotline=old.hotline or part.hotline, started_at=old.started_at,
        **_status(old, stored, part, kinds),
        language=part.language if Kind.LANGUAGE_CHOSEN in kinds else old.language,
        caller_hash=caller.caller_hash, caller_masked=caller.caller_masked,
        caller_number=caller.caller_number,
        outcome=outcome[0], outcome_menu=outcome[1],
        service=part.service if Kind.SERVICE_CHOSEN in kinds else old.service,
        hit_closed=old.hit_closed or part.hit_closed,
        event_count=old.event_count + part.event_count,
    )


def _status(old: CallSummary, stored: Stored, part: CallSummary,
            kinds: set[Kind]) -> dict[str, object]:
    """The status callback that counts: the last final one, else the last one at all."""
    new_final = part.status in FINAL_STATUSES
    if new_final or (Kind.CALL_STATUS in kinds and old.status not in FINAL_STATUSES):
        chosen = part
    elif stored.statuses:
        chosen = old
    else:  # no status callback at all: the call ended at its last ending, if any
        return {"ended_at": part.ended_at or old.ended_at, "status": None, "duration": None}
    return {"ended_at": chosen.ended_at, "status": chosen.status, "duration": chosen.duration}


def _outcome(old: CallSummary, stored: Stored, ordered: Sequence[CallEvent],
             part: CallSummary) -> tuple[Outcome, str | None] | None:
    """The outcome of all events, the best earned one winning; None when unknowable here."""
    earned = [o for o in (old.outcome, part.outcome) if o in _EARNED]
    if earned:
        return min(earned, key=_EARNED.index), None
    menu = part.outcome_menu or old.outcome_menu
    silent = any(e.kind == Kind.CALL_ENDED and e.data.get("reason") == EndReason.NO_INPUT
                 for e in ordered)
    if silent:
        return Outcome.NO_INPUT, menu
    if old.outcome == Outcome.ENDED_IN_MENU:
        return Outcome.ENDED_IN_MENU, menu
    if not any(e.kind in INPUT_KINDS for e in ordered):
        return Outcome.NO_INPUT, menu  # no input yet, or a silent ending stored: still none
    if stored.endings:
        return None  # was it a silent ending? only the stored events can tell
    return Outcome.ENDED_IN_MENU, menu
