"""Whether a service is open at a moment, why not, and when it opens next.

Pure core: no Flask, no database, no clock reads. ``now`` is always an
argument (any aware datetime); it is converted to the schedule's own zone
(Asia/Tokyo), so the host's zone never matters.

Precedence, strongest first: a temporary override (force open or closed,
until it expires); the weekly hours (a day without hours is a weekend or a
day off, whatever the calendars say); then the calendars of a day that would
be open: a dated closure, a yearly closure (the Dec 29 - Jan 3 year-end), a
national holiday.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

Texts = Mapping[str, str]
NO_TEXT: Texts = MappingProxyType({})
DAY_MINUTES = 24 * 60
SEARCH_DAYS = 400  # how far ahead the next opening is looked for


class Why(StrEnum):
    """Why a service is closed, in terms a caller understands."""

    BEFORE_HOURS = "before_hours"  # a working day, before the first opening
    AFTER_HOURS = "after_hours"    # a working day, after closing (the evening)
    BREAK = "break"                # between two ranges of a day (lunch break)
    WEEKEND = "weekend"            # Saturday or Sunday without hours
    DAY_OFF = "day_off"            # a weekday without hours
    HOLIDAY = "holiday"            # a national holiday
    YEAR_END = "year_end"          # a yearly closure (Dec 29 - Jan 3)
    CLOSURE = "closure"            # a dated closure of this organisation
    OVERRIDE = "override"          # a temporary override forcing it closed
    UNKNOWN = "unknown"            # the schedule could not be evaluated


@dataclass(frozen=True, order=True)
class Span:
    """Open from ``start`` to ``end`` (minutes after midnight, end excluded, up to 1440)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_MINUTES:
            raise ValueError(f"a span must run forward within one day, got {self}")


@dataclass(frozen=True)
class WeeklyHours:
    """Open spans for each weekday, Monday first."""

    days: tuple[tuple[Span, ...], ...]

    @property
    def always(self) -> bool:
        return all(spans == (Span(0, DAY_MINUTES),) for spans in self.days)


ALWAYS = WeeklyHours(tuple((Span(0, DAY_MINUTES),) for _ in range(7)))


@dataclass(frozen=True)
class Closure:
    """A dated closure, first to last day included, with its reason per language."""

    first: date
    last: date
    label: Texts = field(default_factory=lambda: NO_TEXT)
    key: str = ""  # names the recording of the label: "closure.<calendar>.<n>"

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class YearlyClosure:
    """A closure every year between two (month, day), which may wrap over New Year."""

    first: tuple[int, int]
    last: tuple[int, int]
    label: Texts = field(default_factory=lambda: NO_TEXT)
    key: str = ""  # names the recording of the label: "closure.<calendar>.<n>"

    def covers(self, day: date) -> bool:
        md = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= md <= self.last
        return md >= self.first or md <= self.last


@dataclass(frozen=True)
class Override:
    """Force open or closed from ``start`` until ``end``, then expire by itself."""

    start: datetime
    end: datetime
    open: bool
    label: Texts = field(default_factory=lambda: NO_TEXT)
    key: str = ""  # names the recording of the label: "closure.<calendar>.<n>"


@dataclass(frozen=True)
class Calendar:
    """Days a service closes on although its weekly hours would open it."""

    id: str
    national_holidays: str | None = None  # country code for the ``holidays`` package
    yearly: tuple[YearlyClosure, ...] = ()
    closures: tuple[Closure, ...] = ()


@dataclass(frozen=True)
class Schedule:
    """Weekly hours, the calendars they yield to, and temporary overrides."""

    weekly: WeeklyHours
    calendars: tuple[Calendar, ...] = ()
    overrides: tuple[Override, ...] = ()
    timezone: str = "Asia/Tokyo"


@dataclass(frozen=True)
class Status:
    """Open or not at one moment; when closed, why and when it opens next (local time)."""

    open: bool
    why: Why | None = None
    cause: Closure | YearlyClosure | Override | None = None  # with its reason per language
    holiday: str | None = None  # the holiday's name, when ``why`` is HOLIDAY
    next_open: datetime | None = None


UNKNOWN = Status(open=False, why=Why.UNKNOWN)


def status(schedule: Schedule, now: datetime) -> Status:
    """Evaluate ``schedule`` at ``now`` (aware), in the schedule's zone."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(zone(schedule.timezone))
    minute = local.hour * 60 + local.minute + local.second / 60
    spans = open_spans(schedule, local.date())
    if any(span.start <= minute < span.end for span in spans):
        return Status(open=True)
    why, cause, holiday = _why_closed(schedule, local.date(), minute, spans)
    return Status(False, why, cause, holiday, next_opening(schedule, local, minute))


def open_spans(schedule: Schedule, day: date) -> tuple[Span, ...]:
    """The spans a service is open on ``day``, calendars and overrides applied."""
    spans = [] if _day_closure(schedule, day) else list(schedule.weekly.days[day.weekday()])
    for override in schedule.overrides:
        window = _window(override, day, schedule.timezone)
        if window is not None:
            spans = _add(spans, window) if override.open else _subtract(spans, window)
    return tuple(spans)


def next_opening(schedule: Schedule, local: datetime, minute: float) -> datetime | None:
    """The first opening strictly after ``minute`` of ``local``'s day, or None."""
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        for span in open_spans(schedule, day):
            if offset or span.start > minute:
                start = datetime.combine(day, time()) + timedelta(minutes=span.start)
                return start.replace(tzinfo=local.tzinfo)
    return None


Cause = Closure | YearlyClosure | Override | None


def _why_closed(
    schedule: Schedule, day: date, minute: float, spans: tuple[Span, ...]
) -> tuple[Why, Cause, str | None]:
    for override in schedule.overrides:
        window = _window(override, day, schedule.timezone)
        if not override.open and window and window.start <= minute < window.end:
            return Why.OVERRIDE, override, None
    if spans:
        if minute < spans[0].start:
            return Why.BEFORE_HOURS, None, None
        if minute >= spans[-1].end:
            return Why.AFTER_HOURS, None, None
        return Why.BREAK, None, None
    if not schedule.weekly.days[day.weekday()]:
        return (Why.WEEKEND if day.weekday() >= 5 else Why.DAY_OFF), None, None
    return _day_closure(schedule, day) or _closing_override(schedule, day)


def _closing_override(schedule: Schedule, day: date) -> tuple[Why, Cause, str | None]:
    """The override that closes a whole working day (the only cause left)."""
    for override in schedule.overrides:
        if not override.open and _window(override, day, schedule.timezone):
            return Why.OVERRIDE, override, None
    return Why.OVERRIDE, None, None


def _day_closure(schedule: Schedule, day: date) -> tuple[Why, Cause, str | None] | None:
    """Why the calendars close a day its weekly hours would open, strongest reason first."""
    for calendar in schedule.calendars:
        for closure in calendar.closures:
            if closure.covers(day):
                return Why.CLOSURE, closure, None
    for calendar in schedule.calendars:
        for yearly in calendar.yearly:
            if yearly.covers(day):
                return Why.YEAR_END, yearly, None
    for calendar in schedule.calendars:
        if calendar.national_holidays:
            name = holiday_names(calendar.national_holidays, day.year).get(day)
            if name is not None:
                return Why.HOLIDAY, None, name
    return None


def _window(override: Override, day: date, zone_name: str) -> Span | None:
    """The part of ``override`` that falls on ``day``, in minutes, or None."""
    tz = zone(zone_name)
    midnight = datetime.combine(day, time(), tzinfo=tz)
    start = max(override.start.astimezone(tz), midnight)
    end = min(override.end.astimezone(tz), midnight + timedelta(days=1))
    if start >= end:
        return None
    first = int((start - midnight).total_seconds() // 60)
    last = int(-((midnight - end).total_seconds() // 60))  # round the end up
    return Span(first, min(max(last, first + 1), DAY_MINUTES))


def _add(spans: list[Span], extra: Span) -> list[Span]:
    merged: list[Span] = []
    for span in sorted([*spans, extra]):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _subtract(spans: list[Span], cut: Span) -> list[Span]:
    kept: list[Span] = []
    for span in spans:
        if span.start < cut.start:
            kept.append(Span(span.start, min(span.end, cut.start)))
        if span.end > cut.end:
            kept.append(Span(max(span.start, cut.end), span.end))
    return kept


@lru_cache(maxsize=64)
def holiday_names(country: str, year: int) -> Mapping[date, str]:
    """National holidays of ``country`` in ``year`` (substitute and citizens' days included)."""
    table = holidays.country_holidays(country, years=year, language="en_US")
    return MappingProxyType(dict(table))


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``, loaded once."""
    return ZoneInfo(name)
