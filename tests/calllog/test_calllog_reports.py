"""What staff read: the calls list (filters, keyset pages) and the dashboard's counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ivr.call.events import EndReason, Kind
from ivr.calllog import dashboard, store
from ivr.calllog.dashboard import Period
from ivr.calllog.listing import CallFilter, list_calls, parse_cursor
from ivr.calllog.privacy import CallerPrivacy

from .calllog_support import KEY

JAN5, JAN6, JAN7 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def logged(engine, script):
    """Five calls around Japan's midnight; returns the engine."""
    calls = [
        # Monday 5 Jan, 10:00 in Japan.
        script("CA1", utc(2026, 1, 5, 1, 0)).started().connected("en", "police"),
        # Monday 5 Jan, 23:59:30 in Japan: found IOM closed.
        _closed(script("CA2", utc(2026, 1, 5, 14, 59, 30)).started()),
        # Tuesday 6 Jan, 00:00:10 in Japan (still the 5th in UTC): silence.
        _silent(script("CA3", utc(2026, 1, 5, 15, 0, 10), hotline="kansai").started()),
        # Tuesday 6 Jan, 09:00 in Japan: hung up in the legal menu.
        _hung_up(script("CA4", utc(2026, 1, 6, 0, 0)).started()),
        # Wednesday 7 Jan, 18:00 in Japan: told a number.
        _told(script("CA5", utc(2026, 1, 7, 9, 0)).started()),
    ]
    privacy = CallerPrivacy.from_settings(KEY, False)
    with engine.begin() as connection:
        store.write_events(connection, [privacy.redact(e) for c in calls for e in c.events])
    return engine


def _closed(call):
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.KEY_PRESSED, menu="language", digit="2")
    call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="tl")
    call.add(Kind.SERVICE_CHOSEN, service="iom", menu="main")
    call.add(Kind.CLOSED, seq=1, service="iom", reason="night", next_open=None)
    return call


def _silent(call):
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.SILENCE, menu="language", attempt=3)
    call.add(Kind.CALL_ENDED, seq=1, where="language", reason=EndReason.NO_INPUT)
    return call


def _hung_up(call):
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.KEY_PRESSED, menu="language", digit="3")
    call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="vi")
    call.add(Kind.MENU_ENTERED, menu="legal")
    return call


def _told(call):
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.KEY_PRESSED, menu="language", digit="1")
    call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="en")
    call.add(Kind.SERVICE_CHOSEN, service="human-rights", menu="main")
    call.add(Kind.NUMBER_TOLD, seq=1, service="human-rights")
    return call


def sids(engine, where: CallFilter | None = None, **options) -> list[str]:
    with engine.connect() as connection:
        where = where or CallFilter()
        return [c.call_sid for c in list_calls(connection, where, **options).calls]


@pytest.mark.parametrize(("where", "expected"), [
    (CallFilter(), ["CA5", "CA4", "CA3", "CA2", "CA1"]),
    (None, ["CA5", "CA4", "CA3", "CA2", "CA1"]),
    (CallFilter(date_from=JAN5, date_to=JAN5), ["CA2", "CA1"]),
    (CallFilter(date_from=JAN6), ["CA5", "CA4", "CA3"]),
    (CallFilter(date_to=JAN6), ["CA4", "CA3", "CA2", "CA1"]),
    (CallFilter(hotline="kansai"), ["CA3"]),
    (CallFilter(language="en"), ["CA5", "CA1"]),
    (CallFilter(service="iom"), ["CA2"]),
    (CallFilter(outcome="no_input"), ["CA3"]),
    (CallFilter(outcome="ended_in_menu", outcome_menu="legal"), ["CA4"]),
    (CallFilter(language="en", date_from=JAN6), ["CA5"]),
    (CallFilter(language="xx"), []),
])
def test_list_filters(logged, where, expected) -> None:
    assert sids(logged, where) == expected


def test_list_filters_by_repeat_caller(logged) -> None:
    with logged.connect() as connection:
        first = store.get_call(connection, "CA1")
    assert sids(logged, CallFilter(caller_hash=first.caller_hash)) == ["CA5", "CA4", "CA3",
                                                                       "CA2", "CA1"]


@pytest.mark.parametrize("newest_first", [True, False])
def test_keyset_pages(logged, newest_first) -> None:
    expected = ["CA5", "CA4", "CA3", "CA2", "CA1"][:: 1 if newest_first else -1]
    seen, cursor, pages = [], None, 0
    with logged.connect() as connection:
        while True:
            page = list_calls(connection, newest_first=newest_first, limit=2, after=cursor)
            seen += [c.call_sid for c in page.calls]
            pages += 1
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert (seen, pages) == (expected, 3)


def test_keyset_pages_through_calls_that_started_together(engine, script) -> None:
    privacy = CallerPrivacy.from_settings(KEY, False)
    events = [privacy.redact(script(f"CA{n}").started().events[0]) for n in range(5)]
    with engine.begin() as connection:
        store.write_events(connection, events)
    with engine.connect() as connection:
        first = list_calls(connection, limit=3)
        second = list_calls(connection, limit=3, after=first.next_cursor)
    assert [c.call_sid for c in first.calls] == ["CA4", "CA3", "CA2"]
    assert ([c.call_sid for c in second.calls], second.next_cursor) == (["CA1", "CA0"], None)


def test_a_cursor_is_checked() -> None:
    assert parse_cursor("2026-01-05T01:00:00_7") == (datetime(2026, 1, 5, 1, 0), 7)
    with pytest.raises(ValueError, match=r"^not a page cursor: 'garbage'$"):
        parse_cursor("garbage")


def test_calls_per_day(logged) -> None:
    with logged.connect() as connection:
        assert dashboard.calls_per_day(connection, Period()) == [
            (JAN5, "closed", 1), (JAN5, "connected", 1),
            (JAN6, "ended_in_menu", 1), (JAN6, "no_input", 1),
            (JAN7, "told_number", 1),
        ]
        assert dashboard.calls_per_day(connection, Period(JAN6, JAN6, "main")) == [
            (JAN6, "ended_in_menu", 1)]


def test_heatmaps(logged) -> None:
    with logged.connect() as connection:
        assert dashboard.heatmap(connection, Period()) == {
            (0, 10): 1, (0, 23): 1, (1, 0): 1, (1, 9): 1, (2, 18): 1}
        assert dashboard.heatmap(connection, Period(), closed_only=True) == {(0, 23): 1}
        assert dashboard.heatmap(connection, Period(date_from=JAN6), closed_only=True) == {}


def test_drop_off(logged) -> None:
    with logged.connect() as connection:
        assert dashboard.drop_off(connection, Period()) == [
            ("language", "no_input", 1), ("legal", "ended_in_menu", 1)]
        assert dashboard.drop_off(connection, Period(hotline="kansai")) == [
            ("language", "no_input", 1)]


@pytest.mark.parametrize(("column", "period", "expected"), [
    ("language", Period(), [("en", 2), ("tl", 1), ("vi", 1), (None, 1)]),
    ("service", Period(), [(None, 2), ("human-rights", 1), ("iom", 1), ("police", 1)]),
    ("outcome", Period(date_to=JAN5), [("closed", 1), ("connected", 1)]),
    ("hotline", Period(), [("main", 4), ("kansai", 1)]),
])
def test_counts_by(logged, column, period, expected) -> None:
    with logged.connect() as connection:
        assert dashboard.counts_by(connection, period, column) == expected


def test_counts_by_an_unknown_column(logged) -> None:
    with logged.connect() as connection, pytest.raises(
            ValueError, match=r"^cannot count calls by 'caller_hash'; "
                              r"choose one of hotline, language, outcome, service$"):
        dashboard.counts_by(connection, Period(), "caller_hash")
