"""Parsers for the values staff write in menu files; each raises ``Invalid`` with advice.

Pure core. A parser takes the raw YAML value (text, a list or a mapping, with
lines) and returns the typed value, or raises ``Invalid`` whose message
completes "'<key>' ..." in a report line.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ivr.phonetree.hours import DAY_MINUTES, Span, WeeklyHours
from ivr.phonetree.report import Invalid
from ivr.phonetree.yamlsource import LocatedList, LocatedMap

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KEYS = frozenset("0123456789*#")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def text(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid("must be some text")
    return raw.strip()


def identifier(raw: Any) -> str:
    value = text(raw)
    if not _ID.match(value):
        raise Invalid(f"'{value}' is not a name: use lowercase letters, digits, - and _")
    return value


def language_code(raw: Any) -> str:
    value = text(raw)
    if not _CODE.match(value):
        raise Invalid(f"'{value}' is not a language code such as 'en', 'ja' or 'tl'")
    return value


def language_codes(raw: Any) -> tuple[str, ...]:
    """One language code or a list of them."""
    items = raw if isinstance(raw, LocatedList) else [raw]
    return tuple(language_code(item) for item in items)


def boolean(raw: Any) -> bool:
    value = text(raw).lower()
    if value in {"true", "yes", "on"}:
        return True
    if value in {"false", "no", "off"}:
        return False
    raise Invalid(f"must be true or false, not '{raw}'")


def whole_number(low: int, high: int):
    def parse(raw: Any) -> int:
        value = text(raw)
        if not value.isdigit() or not low <= int(value) <= high:
            raise Invalid(f"must be a whole number from {low} to {high}, not '{value}'")
        return int(value)
    return parse


def key(raw: Any) -> str:
    value = text(raw)
    if value not in KEYS:
        raise Invalid(f"'{value}' is not a phone key: use one of 0-9, * or #")
    return value


def id_list(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, LocatedList) else [raw]
    return tuple(identifier(item) for item in items)


def texts(raw: Any, strip: bool = True) -> dict[str, str]:
    """Text per language (``{en: "...", ja: "..."}``), or per name with ``strip=False``."""
    if not isinstance(raw, LocatedMap):
        raise Invalid("must give the text per language, e.g. 'en: ...' on its own line")
    result = {}
    for code, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"has no text for '{code}'", raw.lines[code])
        result[code] = value.strip() if strip else value
    return result


def exact_texts(raw: Any) -> dict[str, str]:
    """Texts kept exactly as written, spaces included (" and " joins a list)."""
    return texts(raw, strip=False)


def day_of_year(raw: Any) -> tuple[int, int]:
    """A month and day, written MM-DD (12-29)."""
    value = text(raw)
    try:
        parsed = datetime.strptime(f"2000-{value}", "%Y-%m-%d")
    except ValueError:
        raise Invalid(f"'{value}' is not a month and day written MM-DD, e.g. 12-29") from None
    return parsed.month, parsed.day


def calendar_date(raw: Any) -> date:
    value = text(raw)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"'{value}' is not a date written YYYY-MM-DD, e.g. 2026-12-25") from None


def local_datetime(zone: str):
    def parse(raw: Any) -> datetime:
        value = text(raw)
        try:
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:
            raise Invalid(f"'{value}' is not a date and time written "
                          "YYYY-MM-DD HH:MM, e.g. 2026-11-24 09:00") from None
        return moment.replace(tzinfo=ZoneInfo(zone))
    return parse


def timezone(raw: Any) -> str:
    value = text(raw)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"'{value}' is not a time zone such as Asia/Tokyo") from None
    return value


def span(raw: Any) -> Span:
    """Hours of one range, written 09:00-12:30; the end may be 24:00."""
    value = text(raw)
    start, _, end = value.replace(" ", "").partition("-")
    first, last = _minutes(start, value), _minutes(end, value)
    if last <= first:
        raise Invalid(f"'{value}' ends before it starts; a range past midnight is two "
                      "ranges: 22:00-24:00 on one day and 00:00-06:00 on the next")
    return Span(first, last)


def _minutes(part: str, whole: str) -> int:
    match = _TIME.match(part)
    if not match or int(match[2]) > 59 or int(match[1]) * 60 + int(match[2]) > DAY_MINUTES:
        raise Invalid(f"'{whole}' is not a range of hours written HH:MM-HH:MM, e.g. 09:00-17:00")
    return int(match[1]) * 60 + int(match[2])


def days(spec: str) -> list[int]:
    """Weekdays named by 'mon-fri', 'sat,sun', 'daily'... as indexes, Monday 0."""
    if spec.strip().lower() in {"daily", "every day", "mon-sun"}:
        return list(range(7))
    found: list[int] = []
    for part in spec.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise Invalid(f"'{spec}' is not a day or days: write mon, tue, wed, thu, fri, "
                          "sat, sun, a range like mon-fri, or daily")
        lo, hi = DAYS.index(first), DAYS.index(last or first)
        found += list(range(lo, hi + 1)) if lo <= hi else [*range(lo, 7), *range(0, hi + 1)]
    return found


def weekly(raw: Any) -> WeeklyHours:
    """``always``, or ranges per day: ``mon-fri: [09:00-12:30, 13:30-17:00]``."""
    if isinstance(raw, str) and raw.strip().lower() in {"always", "24h", "24/7"}:
        from ivr.phonetree.hours import ALWAYS
        return ALWAYS
    if not isinstance(raw, LocatedMap):
        raise Invalid("must be 'always' or ranges per day, e.g. 'mon-fri: 09:00-17:00'")
    table: list[list[Span] | None] = [None] * 7
    for spec, ranges in raw.items():
        line = raw.lines[spec]
        spans = sorted(_located(span, item, line) for item in _items(ranges))
        _no_overlap(spans, spec, line)
        for day in _located(days, spec, line):
            if table[day] is not None:
                raise Invalid(f"gives {DAY_WORDS[day]} twice", line)
            table[day] = spans
    return WeeklyHours(tuple(tuple(spans or ()) for spans in table))


def _items(ranges: Any) -> list[Any]:
    return list(ranges) if isinstance(ranges, LocatedList) else [ranges]


def _located(parse: Any, raw: Any, line: int) -> Any:
    """``parse(raw)``, its complaint placed on ``line``."""
    try:
        return parse(raw)
    except Invalid as exc:
        raise Invalid(str(exc), exc.line or line) from None


def _no_overlap(spans: list[Span], spec: str, line: int) -> None:
    for before, after in itertools.pairwise(spans):
        if after.start < before.end:
            raise Invalid(f"has overlapping ranges for '{spec}': "
                          f"{_clock(before)} and {_clock(after)}", line)


def _clock(value: Span) -> str:
    return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in (value.start, value.end))
