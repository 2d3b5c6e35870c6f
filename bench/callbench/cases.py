"""What the benchmark times: each staff page, and the store queries that page runs.

A scenario is one page as staff open it (its URL, through the app) and the
same reads done straight on the store, one by one, as the page's view does
them: the difference between the page and the sum of its queries is Flask,
the login check, figures and templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bench.callbench.synthetic import REPEAT_POOL, caller_hash, number_of
from ivr.calllog import dashboard, store
from ivr.calllog.dashboard import Period
from ivr.calllog.listing import CallFilter, cursor_of, list_calls
from ivr.calllog.schema import calls
from ivr.staff.calls import PAGE_SIZE, repeat_counts

Read = Callable[[Connection], object]
DEEP_PAGE = 200
MIDDLE = 0.5  # a page half way down the whole log
REPEAT_CALLER = REPEAT_POOL // 40  # a repeat caller with a few dozen calls in a year


@dataclass(frozen=True)
class Scenario:
    """One page: its key, what it shows, its URL, and its reads of the store by name."""

    key: str
    title: str
    url: str
    reads: tuple[tuple[str, Read], ...]


def scenarios(connection: Connection, last_day: date) -> list[Scenario]:
    """Return every timed page of a loaded log whose last Japan day is ``last_day``."""
    month = {"date_from": last_day - timedelta(days=29), "date_to": last_day}
    year = Period(last_day - timedelta(days=364), last_day)
    deep_cursor = cursor_of_page(connection, DEEP_PAGE)
    middle_page, middle_cursor = cursor_at(connection, MIDDLE)
    some_call = list_calls(connection, after=deep_cursor, limit=1).calls[0]
    caller = caller_hash(number_of(REPEAT_CALLER)[0])
    return [
        listing(connection, "list_first", "calls list, first page (newest first)", CallFilter()),
        listing(connection, f"list_page_{DEEP_PAGE}", f"calls list, page {DEEP_PAGE} (keyset)",
                CallFilter(), after=deep_cursor),
        listing(connection, "list_page_middle", f"calls list, page {middle_page:,} (keyset, "
                "half way down)", CallFilter(), after=middle_cursor),
        listing(connection, "list_tl_closed_30d", "filtered: language tl, closed, 30 days",
                CallFilter(language="tl", outcome="closed", **month)),
        listing(connection, "list_caller", "filtered: one repeat caller (selective)",
                CallFilter(caller_hash=caller)),
        listing(connection, "list_service", "filtered: service iom, a year",
                CallFilter(service="iom")),
        listing(connection, "list_rare_combination", "filtered: vi + fresc + dial_failed, a year",
                CallFilter(language="vi", service="fresc", outcome="dial_failed")),
        listing(connection, "list_menu_legal_30d", "filtered: ended in menu legal, 30 days",
                CallFilter(outcome_menu="legal", **month)),
        # Combinations no call has (human-rights is told, never dialled; a call that ends in
        # a menu was not connected): the list must find out that nothing matches.
        listing(connection, "list_none_service_outcome", "no match: human-rights + connected, "
                "a year", CallFilter(service="human-rights", outcome="connected")),
        listing(connection, "list_none_menu_outcome", "no match: ended in menu legal + "
                "connected, a year", CallFilter(outcome_menu="legal", outcome="connected")),
        dashboard_of("dashboard_30d", "dashboard, last 30 days (default)", "/staff",
                     Period(month["date_from"], last_day)),
        dashboard_of("dashboard_year", "dashboard, whole year", "/staff?" + urlencode(
            {"from": year.date_from.isoformat(), "to": year.date_to.isoformat()}), year),
        call_page(some_call),
    ]


def cursor_of_page(connection: Connection, page: int) -> str:
    """Return the cursor that opens page ``page`` of the unfiltered list (newest first)."""
    cursor = None
    for _ in range(page - 1):
        cursor = list_calls(connection, limit=PAGE_SIZE, after=cursor).next_cursor
    assert cursor is not None, f"the log has fewer than {page} pages"
    return cursor


def cursor_at(connection: Connection, share: float) -> tuple[int, str]:
    """Return the page number and cursor of the page ``share`` of the way down the list."""
    total = connection.execute(sa.select(sa.func.count()).select_from(calls)).scalar_one()
    page = max(2, round(total * share / PAGE_SIZE))
    last = connection.execute(
        sa.select(calls).order_by(calls.c.started_at.desc(), calls.c.id.desc())
        .offset((page - 1) * PAGE_SIZE - 1).limit(1)).one()
    return page, cursor_of(store.Call.from_row(last))


def listing(connection: Connection, key: str, title: str, where: CallFilter,
            after: str | None = None) -> Scenario:
    """A page of the calls list: the page itself, then its callers' repeat counts."""
    shown = list_calls(connection, where, limit=PAGE_SIZE, after=after).calls
    query = urlencode(_args(where, after))
    return Scenario(key, title, "/staff/calls" + (f"?{query}" if query else ""), (
        ("list_calls", lambda c: list_calls(c, where, limit=PAGE_SIZE, after=after)),
        ("repeat_counts", lambda c: repeat_counts(c, shown)),
    ))


def _args(where: CallFilter, after: str | None) -> dict[str, str]:
    """Return the calls list's query string of a filter (the names ``staff.filters`` reads)."""
    names = {"date_from": "from", "date_to": "to", "outcome_menu": "menu",
             "caller_hash": "caller"}
    found = {names.get(name, name): str(value) for name, value in vars(where).items()
             if value is not None}
    return {**found, "after": after} if after else found


def dashboard_of(key: str, title: str, url: str, period: Period) -> Scenario:
    """The dashboard of a period: its six reads of the tallies."""
    return Scenario(key, title, url, (
        ("calls_per_day", lambda c: dashboard.calls_per_day(c, period)),
        ("heatmap", lambda c: dashboard.heatmap(c, period)),
        ("heatmap_closed", lambda c: dashboard.heatmap(c, period, closed_only=True)),
        ("drop_off", lambda c: dashboard.drop_off(c, period)),
        ("counts_by_language", lambda c: dashboard.counts_by(c, period, "language")),
        ("counts_by_service", lambda c: dashboard.counts_by(c, period, "service")),
    ))


def call_page(call: store.Call) -> Scenario:
    """One call's page: the call, its events, its caller's count."""
    return Scenario("call_page", "a call's page with its timeline",
                    f"/staff/calls/{call.call_sid}", (
        ("get_call", lambda c: store.get_call(c, call.call_sid)),
        ("events_of", lambda c: store.events_of(c, call.id)),
        ("repeat_counts", lambda c: repeat_counts(c, [call])),
    ))
