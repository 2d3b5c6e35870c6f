"""What staff read: event sentences, names of ids, durations, and the query strings they send."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import AUDIO, MENUS

from ivr.call.events import CallEvent, Kind
from ivr.calllog.dashboard import Period
from ivr.calllog.listing import CallFilter
from ivr.phonetree import loader
from ivr.staff import figures, filters, timeline
from ivr.staff.filters import CallsQuery
from ivr.staff.names import Names

TREE = loader.load(str(MENUS), str(AUDIO)).tree
NAMES = Names(TREE)
AT = datetime(2026, 11, 24, 3, 40, tzinfo=UTC)  # 12:40 in Japan


def event(kind: Kind, **data) -> CallEvent:
    return CallEvent("u", "CA1", "main", AT, 0, kind, data)


@pytest.mark.parametrize(("kind", "data", "sentence"), [
    (Kind.CALL_STARTED, {"caller_hash": "ab", "caller_masked": "+81 90-****-**78",
                         "to": "+815000000000", "hotline": "main"},
     "Call from +81 90-****-**78 to +815000000000 (Help line for foreign residents of Japan)"),
    (Kind.LANGUAGE_CHOSEN, {"language": "tl"}, "Chose Tagalog (tl)"),
    (Kind.MENU_ENTERED, {"menu": "language"}, "Heard the language choice"),
    (Kind.MENU_ENTERED, {"menu": "legal"}, "Heard menu legal"),
    (Kind.KEY_PRESSED, {"menu": "main", "digit": "4"}, "Pressed 4 in menu main"),
    (Kind.KEY_PRESSED, {"menu": "offer:iom", "digit": "1"},
     "Pressed 1 in the alternatives to IOM Tokyo"),
    (Kind.INVALID_KEY, {"menu": "main", "digit": "9", "attempt": 2},
     "Pressed 9 in menu main: not an option (attempt 2)"),
    (Kind.SILENCE, {"menu": "main", "attempt": 1}, "No key pressed in menu main (silence 1)"),
    (Kind.SERVICE_CHOSEN, {"service": "police-consultation", "menu": "main"},
     "Chose Police consultation line in English in menu main"),
    (Kind.CLOSED, {"service": "iom", "reason": "break",
                   "next_open": "2026-11-24T13:30:00+09:00"},
     "IOM Tokyo was closed: lunch break; opens 13:30"),
    (Kind.CLOSED, {"service": "iom", "reason": "weekend",
                   "next_open": "2026-11-30T09:00:00+09:00"},
     "IOM Tokyo was closed: weekend; opens Mon 30 Nov 09:00"),
    (Kind.CLOSED, {"service": "iom", "reason": "unknown", "next_open": None},
     "IOM Tokyo was closed: its hours could not be worked out; no opening time known"),
    (Kind.CLOSED, {"service": "gone", "reason": "night", "next_open": "soon"},
     "gone was closed: night; no opening time known"),
    (Kind.DIAL_STARTED, {"service": "iom", "number": "+81335952487"},
     "Dialled IOM Tokyo at +81335952487"),
    (Kind.DIAL_RESULT, {"service": "iom", "dial_status": "busy", "dial_duration": 0},
     "IOM Tokyo: busy after 0 s"),
    (Kind.DIAL_RESULT, {"service": "police", "dial_status": "completed", "dial_duration": 95},
     "Tokyo police English line: answered after 1 min 35 s"),
    (Kind.DIAL_RESULT, {"service": "iom", "dial_status": "no-answer", "dial_duration": None},
     "IOM Tokyo: no answer"),
    (Kind.NUMBER_TOLD, {"service": "human-rights"},
     "Heard the number of Human rights line for foreigners"),
    (Kind.FALLBACK_USED, {"error_code": "11200", "error_url": "https://x"},
     "The app failed; Twilio played the fallback answer (error 11200)"),
    (Kind.FALLBACK_USED, {"reason": "no_menus"},
     "No menus passed the checks; the caller heard the fallback answer (the 110 advice and "
     "the 24 h line)"),
    (Kind.FALLBACK_USED, {"reason": "error"},
     "A step of the app failed; the caller heard the fallback answer (the 110 advice and the "
     "24 h line)"),
    (Kind.EMERGENCY_ADVICE, {"where": "greeting"},
     "Heard the 110/119 emergency advice in the greeting"),
    (Kind.EMERGENCY_ADVICE, {"where": "unavailable"},
     "Heard the 110/119 emergency advice after a connection failed"),
    (Kind.CALL_ENDED, {"where": "main", "reason": "no_input"},
     "The hotline hung up after silence in menu main"),
    (Kind.CALL_ENDED, {"where": "language", "reason": "too_many_invalid"},
     "The hotline hung up after too many wrong keys in the language choice"),
    (Kind.CALL_ENDED, {"where": "dialled:iom", "reason": "dialled"},
     "The hotline handed the call over at the connection to IOM Tokyo"),
    (Kind.CALL_ENDED, {"where": "police", "reason": "dialled"},
     "The hotline handed the call over at the connection to Tokyo police English line"),
    (Kind.CALL_ENDED, {"where": "tell:fresc", "reason": "goodbye"},
     "The hotline said goodbye and hung up in the number of Foreign Residents Support Center"),
    (Kind.CALL_ENDED, {"where": "main", "reason": "{odd}"},
     "The hotline ended the call ({odd}) in menu main"),
    (Kind.CALL_STATUS, {"status": "completed", "duration": "3700"},
     "Twilio reported the call completed, 1 h 1 min"),
    (Kind.CALL_STATUS, {"status": "in-progress", "duration": None},
     "Twilio reported the call in-progress"),
])
def test_describe(kind, data, sentence) -> None:
    assert timeline.describe(event(kind, **data), NAMES) == sentence


def test_without_menus_ids_name_themselves() -> None:
    names = Names(None)
    assert timeline.describe(event(Kind.SERVICE_CHOSEN, service="iom", menu="main"), names) == \
        "Chose iom in menu main"
    assert (names.hotline("main"), names.language("en")) == ("main", "en")
    assert names.choices() == {"hotline": [], "language": [], "service": [],
                               "outcome": names.choices()["outcome"]}
    assert [value for value, _ in names.choices()["outcome"]] == [
        "connected", "told_number", "dial_failed", "closed", "ended_in_menu", "no_input"]


def test_timeline_counts_from_the_start() -> None:
    first = CallEvent("a", "CA1", "main", AT, 1, Kind.MENU_ENTERED, {"menu": "language"})
    late = CallEvent("b", "CA1", "main", AT + timedelta(seconds=75), 0, Kind.MENU_ENTERED,
                     {"menu": "main"})
    moments = timeline.timeline([first, late], NAMES)
    assert [(m.since_start, m.kind, m.text) for m in moments] == [
        (timedelta(0), "menu_entered", "Heard the language choice"),
        (timedelta(seconds=75), "menu_entered", "Heard menu main")]


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (59, "59 s"), (60, "1 min 0 s"), (95, "1 min 35 s"), (3600, "1 h 0 min"),
    ("12", "12 s"), ("x", "?"), (None, "?"),
])
def test_seconds_text(seconds, text) -> None:
    assert timeline.seconds_text(seconds) == text


@pytest.mark.parametrize(("outcome", "menu", "label"), [
    ("connected", None, "Connected"),
    ("ended_in_menu", "legal", "Hung up in a menu (menu legal)"),
    ("no_input", "language", "Silence (the language choice)"),
    ("mystery", None, "mystery"),
])
def test_outcome_names(outcome, menu, label) -> None:
    assert NAMES.outcome(outcome, menu) == label


@pytest.mark.parametrize(("args", "query"), [
    ({}, CallsQuery()),
    ({"from": "2026-11-01", "to": "2026-11-30", "hotline": "main", "language": "en",
      "service": "iom", "outcome": "closed", "sort": "oldest"},
     CallsQuery(CallFilter(date(2026, 11, 1), date(2026, 11, 30), "main", "en", "iom",
                           "closed"), newest_first=False)),
    ({"outcome": "ended_in_menu", "menu": "legal", "caller": "a" * 64, "from": "",
      "after": "2026-11-24T01:00:00_12"},
     CallsQuery(CallFilter(outcome="ended_in_menu", outcome_menu="legal", caller_hash="a" * 64),
                after="2026-11-24T01:00:00_12")),
])
def test_calls_query(args, query) -> None:
    assert filters.calls_query(args) == (query, [])


@pytest.mark.parametrize(("args", "problem"), [
    ({"from": "2026-13-01"},
     "From: '2026-13-01' is not a date; use YYYY-MM-DD, a year from 2000 to 2999."),
    ({"to": "0001-01-01"},
     "To: '0001-01-01' is not a date; use YYYY-MM-DD, a year from 2000 to 2999."),
    ({"from": "2026-11-02", "to": "2026-11-01"}, "To: the last day is before the first day."),
    ({"outcome": "happy"}, "Outcome: 'happy' is not an outcome."),
    ({"service": "<script>"}, "Service: '<script>' is not a service name."),
    ({"caller": "+819012345678"},
     "Caller: this link does not name a caller; remove the caller filter."),
    ({"sort": "duration"}, "Order: choose newest first or oldest first."),
    ({"after": "yesterday"}, "Page: this page link is not valid; go back to the first page."),
    ({"before": "0001-01-01T00:00:00_1"},
     "Page: this page link is not valid; go back to the first page."),
    ({"after": "2026-11-24T01:00:00_99999999999999999999"},
     "Page: this page link is not valid; go back to the first page."),
    ({"after": "2026-11-24T01:00:00_1", "before": "2026-11-24T01:00:00_2"},
     "Page: this link names two places to start; go back to the first page."),
])
def test_calls_query_problems(args, problem) -> None:
    assert filters.calls_query(args)[1] == [problem]


def test_calls_query_args_make_links_without_cursors() -> None:
    query, _ = filters.calls_query({"from": "2026-11-01", "sort": "oldest", "after": "x_1",
                                    "language": "en"})
    assert query.args() == {"from": "2026-11-01", "language": "en", "sort": "oldest"}
    assert query.args(language=None, after="c_2") == {"from": "2026-11-01", "sort": "oldest",
                                                      "after": "c_2"}


TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(("args", "period", "problems"), [
    ({}, Period(date(2026, 10, 26), TODAY), []),
    ({"hotline": "main"}, Period(date(2026, 10, 26), TODAY, "main"), []),
    ({"from": "2026-11-01"}, Period(date(2026, 11, 1), TODAY), []),
    ({"from": "2026-12-01"}, Period(date(2026, 12, 1), date(2026, 12, 1)), []),
    ({"to": "2026-06-30"}, Period(date(2026, 6, 1), date(2026, 6, 30)), []),
    ({"from": "2000-01-01", "to": "2026-01-01"},
     Period(date(2015, 12, 25), date(2026, 1, 1)), ["Period: choose at most ten years."]),
])
def test_dashboard_period(args, period, problems) -> None:
    assert filters.period(args, TODAY) == (period, problems)


@pytest.mark.parametrize(("first", "last", "unit", "count", "label"), [
    (date(2026, 11, 1), date(2026, 11, 30), "day", 30, "1 Nov"),
    (date(2026, 1, 1), date(2026, 3, 31), "day", 90, "1 Jan"),
    (date(2026, 1, 1), date(2026, 12, 31), "week", 53, "29 Dec"),   # the week of 1 Jan
    (date(2020, 2, 10), date(2026, 11, 24), "month", 82, "Feb 2020"),
])
def test_spans_of_the_per_day_chart(first, last, unit, count, label) -> None:
    found_unit, starts = figures.spans(first, last)
    assert (found_unit, len(starts), figures.span_label(starts[0], unit)) == (unit, count, label)
    assert all(figures.span_of(day, unit) in starts
               for day in (first, last, first + (last - first) / 2))


def test_drop_off_before_any_menu_has_no_link() -> None:
    figure = figures.drop_off([("main", "ended_in_menu", 3), (None, "no_input", 2),
                               ("main", "no_input", 1)], NAMES, lambda **args: f"link{args}")
    assert [(row.label, row.link, row.values) for row in figure.rows] == [
        ("menu main", "link{'menu': 'main'}", (3, 1)),
        ("before any menu", None, (0, 2))]


def test_tiles_of_an_empty_period() -> None:
    assert [(t.id, t.value, t.share) for t in figures.tiles([], 0)] == [
        ("tile-calls", 0, ""), ("tile-connected", 0, ""), ("tile-told", 0, ""),
        ("tile-closed", 0, ""), ("tile-dropped", 0, "")]
