"""What a call came to, from its events: the outcome table and the call summary."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ivr.call.events import EndReason, Kind
from ivr.calllog.outcome import Outcome, outcome_of, summarise

MENU, KEY, SILENCE, INVALID = Kind.MENU_ENTERED, Kind.KEY_PRESSED, Kind.SILENCE, Kind.INVALID_KEY
CHOSEN, CLOSED, TOLD = Kind.SERVICE_CHOSEN, Kind.CLOSED, Kind.NUMBER_TOLD
DIAL, RESULT, ENDED = Kind.DIAL_STARTED, Kind.DIAL_RESULT, Kind.CALL_ENDED

OUTCOMES = [
    # (events after CALL_STARTED as (kind, data), expected outcome, expected menu)
    ([(MENU, {"menu": "main"}), (KEY, {"menu": "main", "digit": "1"}), (CHOSEN, {"service": "iom"}),
      (DIAL, {"service": "iom"}), (RESULT, {"dial_status": "completed"})],
     Outcome.CONNECTED, None),
    # A failed dial, then the fallback service answers: connected wins.
    ([(DIAL, {}), (RESULT, {"dial_status": "busy"}), (DIAL, {}),
      (RESULT, {"dial_status": "completed"})], Outcome.CONNECTED, None),
    # A busy line, then the number read out instead: told_number beats dial_failed.
    ([(DIAL, {}), (RESULT, {"dial_status": "busy"}), (TOLD, {"service": "houterasu"})],
     Outcome.TOLD_NUMBER, None),
    # Closed, then another service's number told: told_number beats closed.
    ([(CHOSEN, {"service": "iom"}), (CLOSED, {"service": "iom"}), (TOLD, {"service": "police"})],
     Outcome.TOLD_NUMBER, None),
    ([(DIAL, {}), (RESULT, {"dial_status": "no-answer"})], Outcome.DIAL_FAILED, None),
    ([(DIAL, {}), (RESULT, {"dial_status": "failed"}), (CLOSED, {})], Outcome.DIAL_FAILED, None),
    # A dial whose result has not arrived (yet): not claimed as connected.
    ([(MENU, {"menu": "main"}), (DIAL, {"service": "iom"})], Outcome.DIAL_FAILED, None),
    ([(MENU, {"menu": "main"}), (KEY, {"menu": "main", "digit": "3"}),
      (CHOSEN, {"service": "iom", "menu": "main"}), (CLOSED, {"service": "iom"})],
     Outcome.CLOSED, None),
    ([(MENU, {"menu": "language"}), (KEY, {"menu": "language", "digit": "1"}),
      (MENU, {"menu": "main"}), (SILENCE, {"menu": "main", "attempt": 3}),
      (ENDED, {"where": "main", "reason": EndReason.NO_INPUT})], Outcome.NO_INPUT, "main"),
    # Hung up in the first menu without pressing anything.
    ([(MENU, {"menu": "language"})], Outcome.NO_INPUT, "language"),
    ([], Outcome.NO_INPUT, None),
    ([(MENU, {"menu": "language"}), (KEY, {"menu": "language", "digit": "1"}),
      (MENU, {"menu": "legal"})], Outcome.ENDED_IN_MENU, "legal"),
    ([(MENU, {"menu": "main"}), (INVALID, {"menu": "main", "digit": "9", "attempt": 3}),
      (ENDED, {"where": "main", "reason": EndReason.TOO_MANY_INVALID})],
     Outcome.ENDED_IN_MENU, "main"),
    ([(MENU, {"menu": "main"}), (KEY, {"menu": "main", "digit": "0"}),
      (ENDED, {"where": "main", "reason": EndReason.GOODBYE})], Outcome.ENDED_IN_MENU, "main"),
]


@pytest.mark.parametrize(("steps", "outcome", "menu"), OUTCOMES)
def test_outcome_of_events(script, steps, outcome, menu) -> None:
    call = script().started()
    for kind, data in steps:
        call.add(kind, **data)
    assert outcome_of(call.events) == (outcome, menu)


def test_summary_of_a_connected_call(script) -> None:
    call = script("CA9").started().connected(language="tl", service="iom")
    status = call.status("completed", "95")
    summary = summarise(call.events)
    assert (summary.hotline, summary.started_at, summary.ended_at) == ("main", call.events[0].at,
                                                                       status.at)
    assert (summary.duration, summary.status, summary.language, summary.service) == (
        95, "completed", "tl", "iom")
    assert (summary.outcome, summary.outcome_menu, summary.hit_closed) == (
        Outcome.CONNECTED, None, False)
    assert summary.event_count == 11
    assert (summary.local_date.isoformat(), summary.local_start.hour) == ("2026-01-05", 10)


def test_summary_orders_events_and_prefers_a_final_status(script) -> None:
    call = script().started()
    call.add(Kind.MENU_ENTERED, menu="main")
    ringing = call.add(Kind.CALL_STATUS, status="in-progress", duration=None)
    done = call.status("completed", "12")
    reordered = [done, *call.events[:-2], ringing]  # the status callback came first
    summary = summarise(reordered)
    assert (summary.status, summary.duration, summary.ended_at) == ("completed", 12, done.at)
    assert summary.started_at == call.events[0].at


def test_summary_before_any_status_ends_at_the_last_call_ended(script) -> None:
    call = script().started()
    call.add(Kind.MENU_ENTERED, menu="main")
    ended = call.add(Kind.CALL_ENDED, where="main", reason=EndReason.GOODBYE)
    summary = summarise(call.events)
    assert (summary.ended_at, summary.status, summary.duration) == (ended.at, None, None)


def test_summary_of_a_closed_service_keeps_the_last_choice(script) -> None:
    call = script().started()
    call.add(Kind.SERVICE_CHOSEN, service="iom", menu="main")
    call.add(Kind.CLOSED, service="iom", reason="weekend", next_open=None)
    call.add(Kind.SERVICE_CHOSEN, service="police", menu="main")
    summary = summarise(call.events)
    assert (summary.service, summary.hit_closed) == ("police", True)


def test_summary_day_and_hour_are_japan_time(script) -> None:
    # 15:30 UTC on 4 January is 00:30 on 5 January in Japan.
    call = script(start=script().at - timedelta(hours=9, minutes=30)).started()
    summary = summarise(call.events)
    assert (summary.local_date.isoformat(), summary.local_start.hour,
            summary.local_start.weekday()) == ("2026-01-05", 0, 0)
