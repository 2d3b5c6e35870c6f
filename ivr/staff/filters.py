"""The staff pages' query strings, read once at the edge into typed filters, or clear problems.

Filters are GET parameters, so a filtered list or a dashboard period is a
URL staff can share. Anything malformed becomes a sentence for the page
(shown with a 400), never an exception deeper down: dates out of range,
unknown outcomes, page cursors that were edited by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ivr.calllog.dashboard import Period
from ivr.calllog.listing import CallFilter, parse_cursor
from ivr.calllog.outcome import Outcome

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$")  # ids of hotlines, services, menus
CALLER = re.compile(r"^[0-9a-f]{64}$")  # a caller hash (HMAC-SHA256, hex)
SORTS = {"newest": True, "oldest": False}
FIRST_YEAR, LAST_YEAR = 2000, 2999
DEFAULT_DAYS = 30
LONGEST_PERIOD = timedelta(days=3660)
LABELS = {"hotline": "Hotline", "language": "Language", "service": "Service", "menu": "Menu"}


@dataclass(frozen=True)
class CallsQuery:
    """What the calls list shows: the filter, the order, and where the page starts."""

    where: CallFilter = field(default_factory=CallFilter)
    newest_first: bool = True
    after: str | None = None
    before: str | None = None

    def args(self, **changes: str | None) -> dict[str, str]:
        """Return the query string of this filter and order (no cursor), with ``changes``."""
        w = self.where
        found = {"from": _iso(w.date_from), "to": _iso(w.date_to), "hotline": w.hotline,
                 "language": w.language, "service": w.service, "outcome": w.outcome,
                 "menu": w.outcome_menu, "caller": w.caller_hash,
                 "sort": None if self.newest_first else "oldest", **changes}
        return {name: value for name, value in found.items() if value}


def calls_query(args: Mapping[str, str]) -> tuple[CallsQuery, list[str]]:
    """Return the calls list's query from request arguments, and the problems found."""
    problems: list[str] = []
    date_from, date_to = _dates(args, problems)
    where = CallFilter(
        date_from=date_from, date_to=date_to,
        hotline=_name(args, "hotline", problems), language=_name(args, "language", problems),
        service=_name(args, "service", problems), outcome=_outcome(args, problems),
        outcome_menu=_name(args, "menu", problems), caller_hash=_caller(args, problems))
    sort = args.get("sort") or "newest"
    if sort not in SORTS:
        problems.append("Order: choose newest first or oldest first.")
    query = CallsQuery(where, SORTS.get(sort, True), _cursor(args, "after", problems),
                       _cursor(args, "before", problems))
    if query.after and query.before:
        problems.append("Page: this link names two places to start; go back to the first page.")
        query = replace(query, after=None, before=None)
    return query, problems


def period(args: Mapping[str, str], today: date) -> tuple[Period, list[str]]:
    """Return the dashboard's period (default: the last 30 days up to today) and problems."""
    problems: list[str] = []
    date_from, date_to = _dates(args, problems)
    if date_to is None:
        date_to = max(today, date_from) if date_from else today
    if date_from is None:
        date_from = date_to - timedelta(days=DEFAULT_DAYS - 1)
    if date_to - date_from > LONGEST_PERIOD:
        problems.append("Period: choose at most ten years.")
        date_from = date_to - LONGEST_PERIOD
    return Period(date_from, date_to, _name(args, "hotline", problems)), problems


def _dates(args: Mapping[str, str], problems: list[str]) -> tuple[date | None, date | None]:
    first, last = _date(args, "from", problems), _date(args, "to", problems)
    if first and last and last < first:
        problems.append("To: the last day is before the first day.")
        return first, None
    return first, last


def _date(args: Mapping[str, str], name: str, problems: list[str]) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(f"{name.capitalize()}: '{raw[:40]}' is not a date; use YYYY-MM-DD, "
                        f"a year from {FIRST_YEAR} to {LAST_YEAR}.")
        return None
    return day


def _name(args: Mapping[str, str], name: str, problems: list[str]) -> str | None:
    raw = (args.get(name) or "").strip()
    if raw and not NAME.match(raw):
        problems.append(f"{LABELS[name]}: '{raw[:40]}' is not a {name} name.")
        return None
    return raw or None


def _outcome(args: Mapping[str, str], problems: list[str]) -> str | None:
    raw = (args.get("outcome") or "").strip()
    if raw and raw not in {str(outcome) for outcome in Outcome}:
        problems.append(f"Outcome: '{raw[:40]}' is not an outcome.")
        return None
    return raw or None


def _caller(args: Mapping[str, str], problems: list[str]) -> str | None:
    raw = (args.get("caller") or "").strip()
    if raw and not CALLER.match(raw):
        problems.append("Caller: this link does not name a caller; remove the caller filter.")
        return None
    return raw or None


def _cursor(args: Mapping[str, str], name: str, problems: list[str]) -> str | None:
    """Return a page cursor if it is one this app made (a time in range and a row id)."""
    raw = args.get(name) or None
    if raw is None:
        return None
    try:
        moment, ident = parse_cursor(raw)
        valid = FIRST_YEAR <= moment.year <= LAST_YEAR and 0 <= ident < 2 ** 63
    except (ValueError, OverflowError):
        valid = False
    if not valid:
        problems.append("Page: this page link is not valid; go back to the first page.")
        return None
    return raw


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
