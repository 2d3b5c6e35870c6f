"""Opening hours in Japan time: tables of moments and the exact status each gives.

The schedules are built here as the menus describe the real services: IOM
Tokyo (a lunch break, national holidays, the year-end closure and IOM's own
closures), the police consultation line (8:30-17:15 on weekdays) and an
always-open line. Every row is also evaluated with ``now`` given in other
zones, and with the process itself running in other zones.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ivr.phonetree.hours import (
    ALWAYS,
    Calendar,
    Closure,
    Override,
    Schedule,
    Span,
    Status,
    WeeklyHours,
    Why,
    YearlyClosure,
    holiday_names,
    status,
)

TOKYO = ZoneInfo("Asia/Tokyo")


def jst(text: str) -> datetime:
    """A Japan-time moment written 'YYYY-MM-DD HH:MM' (or HH:MM:SS)."""
    pattern = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, pattern).replace(tzinfo=TOKYO)


def spans(*ranges: str) -> tuple[Span, ...]:
    """Spans written '09:00-12:30'."""
    result = []
    for text in ranges:
        start, end = (int(h) * 60 + int(m) for h, m in (t.split(":") for t in text.split("-")))
        result.append(Span(start, end))
    return tuple(result)


def weekdays(*ranges: str, days: int = 5) -> WeeklyHours:
    """The same ranges on the first ``days`` weekdays, closed on the others."""
    return WeeklyHours(tuple(spans(*ranges) if d < days else () for d in range(7)))


HOLIDAYS = Calendar("japan-holidays", national_holidays="JP")
YEAR_END_RULE = YearlyClosure((12, 29), (1, 3), key="closure.year-end.y1")
YEAR_END = Calendar("year-end", yearly=(YEAR_END_RULE,))
IOM_DAY = Closure(date(2026, 12, 24), date(2026, 12, 24),
                  {"en": "an IOM office holiday", "ja": "IOMの休業日"}, "closure.iom.1")
IOM_MOVE = Closure(date(2027, 8, 12), date(2027, 8, 14),
                   {"en": "the office is moving"}, "closure.iom.2")
IOM_LABOR_DAY = Closure(date(2026, 11, 23), date(2026, 11, 23),
                        {"en": "a staff meeting"}, "closure.iom.3")
IOM_CLOSURES = Calendar("iom-holidays", closures=(IOM_DAY, IOM_MOVE, IOM_LABOR_DAY))

IOM = Schedule(weekdays("09:00-12:30", "13:30-17:00"), (HOLIDAYS, YEAR_END))
IOM_OWN = Schedule(IOM.weekly, (HOLIDAYS, YEAR_END, IOM_CLOSURES))
POLICE = Schedule(weekdays("08:30-17:15"), (HOLIDAYS, YEAR_END))
ALWAYS_OPEN = Schedule(ALWAYS)

TRAINING = Override(jst("2026-11-19 10:00"), jst("2026-11-19 15:00"), open=False,
                    label={"en": "staff training"}, key="override.iom.1")
TYPHOON = Override(jst("2026-11-19 12:00"), jst("2026-11-21 00:00"), open=False,
                   label={"en": "a typhoon"}, key="override.iom.2")
SATURDAY = Override(jst("2026-11-21 10:00"), jst("2026-11-21 16:00"), open=True,
                    key="override.police.1")
EVENING = Override(jst("2026-11-19 17:15"), jst("2026-11-19 20:00"), open=True,
                   key="override.police.2")
HOLIDAY_OPEN = Override(jst("2026-11-23 09:00"), jst("2026-11-23 12:00"), open=True,
                        key="override.police.3")
NIGHT_WORK = Override(jst("2026-11-24 01:00"), jst("2026-11-24 03:00"), open=False,
                      label={"en": "maintenance"}, key="override.always.1")
IOM_TRAINING = Schedule(IOM.weekly, IOM.calendars, (TRAINING,))
IOM_TYPHOON = Schedule(IOM.weekly, IOM.calendars, (TYPHOON,))
POLICE_EXTRA = Schedule(POLICE.weekly, POLICE.calendars, (SATURDAY, EVENING, HOLIDAY_OPEN))
ALWAYS_WORKS = Schedule(ALWAYS, (), (NIGHT_WORK,))
MON_THU = Schedule(weekdays("09:00-17:00", days=4), (HOLIDAYS,))
NEVER = Schedule(WeeklyHours(((),) * 7))

OPEN = Status(open=True)


def closed(why: Why, next_open: str | None, cause=None, holiday: str | None = None) -> Status:
    """The status expected when closed; ``next_open`` in Japan time."""
    return Status(False, why, cause, holiday, jst(next_open) if next_open else None)


# (schedule, Japan time, expected status). 2026-11-19 is a Thursday, 11-20 a
# Friday, Monday 11-23 is Labor Thanksgiving Day.
TABLE = [
    # the police consultation line: 08:30-17:15 on weekdays
    (POLICE, "2026-11-19 08:29", closed(Why.BEFORE_HOURS, "2026-11-19 08:30")),
    (POLICE, "2026-11-19 08:29:59", closed(Why.BEFORE_HOURS, "2026-11-19 08:30")),
    (POLICE, "2026-11-19 08:30", OPEN),
    (POLICE, "2026-11-19 17:14", OPEN),
    (POLICE, "2026-11-19 17:14:59", OPEN),
    (POLICE, "2026-11-19 17:15", closed(Why.AFTER_HOURS, "2026-11-20 08:30")),
    (POLICE, "2026-11-19 00:00", closed(Why.BEFORE_HOURS, "2026-11-19 08:30")),
    (POLICE, "2026-11-20 17:15", closed(Why.AFTER_HOURS, "2026-11-24 08:30")),
    (POLICE, "2026-11-21 12:00", closed(Why.WEEKEND, "2026-11-24 08:30")),
    (POLICE, "2026-11-23 10:00",
     closed(Why.HOLIDAY, "2026-11-24 08:30", holiday="Labor Thanksgiving Day")),
    # IOM: 09:00-12:30 and 13:30-17:00 on weekdays
    (IOM, "2026-11-19 08:59", closed(Why.BEFORE_HOURS, "2026-11-19 09:00")),
    (IOM, "2026-11-19 09:00", OPEN),
    (IOM, "2026-11-19 12:29", OPEN),
    (IOM, "2026-11-19 12:30", closed(Why.BREAK, "2026-11-19 13:30")),
    (IOM, "2026-11-19 13:29", closed(Why.BREAK, "2026-11-19 13:30")),
    (IOM, "2026-11-19 13:30", OPEN),
    (IOM, "2026-11-19 16:59", OPEN),
    (IOM, "2026-11-19 17:00", closed(Why.AFTER_HOURS, "2026-11-20 09:00")),
    (IOM, "2026-11-19 23:59", closed(Why.AFTER_HOURS, "2026-11-20 09:00")),
    # a holiday weekend: Friday evening -> Tuesday morning
    (IOM, "2026-11-20 17:00", closed(Why.AFTER_HOURS, "2026-11-24 09:00")),
    (IOM, "2026-11-21 10:00", closed(Why.WEEKEND, "2026-11-24 09:00")),
    (IOM, "2026-11-22 10:00", closed(Why.WEEKEND, "2026-11-24 09:00")),
    (IOM, "2026-11-23 10:00",
     closed(Why.HOLIDAY, "2026-11-24 09:00", holiday="Labor Thanksgiving Day")),
    (IOM, "2026-11-24 09:00", OPEN),
    # DOMAIN.md's holidays: substitute, citizens' holiday, substitute
    (IOM, "2026-05-06 10:00", closed(Why.HOLIDAY, "2026-05-07 09:00",
                                     holiday="Substitute Holiday")),
    (IOM, "2026-05-07 09:00", OPEN),
    (IOM, "2026-09-22 10:00", closed(Why.HOLIDAY, "2026-09-24 09:00",
                                     holiday="National Holiday")),
    (IOM, "2026-09-21 10:00", closed(Why.HOLIDAY, "2026-09-24 09:00",
                                     holiday="Respect for the Aged Day")),
    (IOM, "2027-03-22 10:00", closed(Why.HOLIDAY, "2027-03-23 09:00",
                                     holiday="Substitute Holiday")),
    # a holiday on a weekend is a weekend (Constitution Day, the Vernal Equinox)
    (IOM, "2026-05-03 10:00", closed(Why.WEEKEND, "2026-05-07 09:00")),
    (IOM, "2027-03-21 10:00", closed(Why.WEEKEND, "2027-03-23 09:00")),
    # the year-end closure, Dec 29 - Jan 3
    (IOM, "2026-12-28 16:59", OPEN),
    (IOM, "2026-12-28 18:00", closed(Why.AFTER_HOURS, "2027-01-04 09:00")),
    (IOM, "2026-12-29 10:00", closed(Why.YEAR_END, "2027-01-04 09:00", YEAR_END_RULE)),
    (IOM, "2026-12-31 10:00", closed(Why.YEAR_END, "2027-01-04 09:00", YEAR_END_RULE)),
    (IOM, "2027-01-01 10:00", closed(Why.YEAR_END, "2027-01-04 09:00", YEAR_END_RULE)),
    (IOM, "2026-01-02 10:00", closed(Why.YEAR_END, "2026-01-05 09:00", YEAR_END_RULE)),
    (IOM, "2027-01-03 10:00", closed(Why.WEEKEND, "2027-01-04 09:00")),
    (IOM, "2027-01-04 08:59", closed(Why.BEFORE_HOURS, "2027-01-04 09:00")),
    (IOM, "2027-01-04 09:00", OPEN),
    (POLICE, "2026-12-28 17:15", closed(Why.AFTER_HOURS, "2027-01-04 08:30")),
    (POLICE, "2027-01-04 08:30", OPEN),
    # IOM's own closures, with their reason; the strongest cause wins
    (IOM_OWN, "2026-12-23 10:00", OPEN),
    (IOM_OWN, "2026-12-24 10:00", closed(Why.CLOSURE, "2026-12-25 09:00", IOM_DAY)),
    (IOM_OWN, "2026-12-23 17:00", closed(Why.AFTER_HOURS, "2026-12-25 09:00")),
    (IOM_OWN, "2027-08-12 10:00", closed(Why.CLOSURE, "2027-08-16 09:00", IOM_MOVE)),
    (IOM_OWN, "2027-08-13 10:00", closed(Why.CLOSURE, "2027-08-16 09:00", IOM_MOVE)),
    (IOM_OWN, "2027-08-14 10:00", closed(Why.WEEKEND, "2027-08-16 09:00")),
    (IOM_OWN, "2026-11-23 10:00", closed(Why.CLOSURE, "2026-11-24 09:00", IOM_LABOR_DAY)),
    # a temporary closure: before, during, after it expires
    (IOM_TRAINING, "2026-11-19 09:59", OPEN),
    (IOM_TRAINING, "2026-11-19 10:00", closed(Why.OVERRIDE, "2026-11-19 15:00", TRAINING)),
    (IOM_TRAINING, "2026-11-19 13:30", closed(Why.OVERRIDE, "2026-11-19 15:00", TRAINING)),
    (IOM_TRAINING, "2026-11-19 14:59", closed(Why.OVERRIDE, "2026-11-19 15:00", TRAINING)),
    (IOM_TRAINING, "2026-11-19 15:00", OPEN),
    (IOM_TRAINING, "2026-11-20 10:00", OPEN),
    (IOM_TYPHOON, "2026-11-19 11:59", OPEN),
    (IOM_TYPHOON, "2026-11-19 12:00", closed(Why.OVERRIDE, "2026-11-24 09:00", TYPHOON)),
    (IOM_TYPHOON, "2026-11-20 10:00", closed(Why.OVERRIDE, "2026-11-24 09:00", TYPHOON)),
    (IOM_TYPHOON, "2026-11-20 20:00", closed(Why.OVERRIDE, "2026-11-24 09:00", TYPHOON)),
    (IOM_TYPHOON, "2026-11-24 09:00", OPEN),
    # temporary openings: a Saturday, an evening, a holiday morning; a day with an
    # opening has hours, so it is before or after them, not a weekend or a holiday
    (POLICE_EXTRA, "2026-11-21 09:59", closed(Why.BEFORE_HOURS, "2026-11-21 10:00")),
    (POLICE_EXTRA, "2026-11-21 10:00", OPEN),
    (POLICE_EXTRA, "2026-11-21 15:59", OPEN),
    (POLICE_EXTRA, "2026-11-21 16:00", closed(Why.AFTER_HOURS, "2026-11-23 09:00")),
    (POLICE_EXTRA, "2026-11-22 10:00", closed(Why.WEEKEND, "2026-11-23 09:00")),
    (POLICE_EXTRA, "2026-11-19 19:59", OPEN),
    (POLICE_EXTRA, "2026-11-19 20:00", closed(Why.AFTER_HOURS, "2026-11-20 08:30")),
    (POLICE_EXTRA, "2026-11-23 11:59", OPEN),
    (POLICE_EXTRA, "2026-11-23 12:00", closed(Why.AFTER_HOURS, "2026-11-24 08:30")),
    (POLICE_EXTRA, "2026-11-26 19:00", closed(Why.AFTER_HOURS, "2026-11-27 08:30")),
    # always open, even on holidays and at the year end; an override still closes it
    (ALWAYS_OPEN, "2026-11-22 03:00", OPEN),
    (ALWAYS_OPEN, "2026-11-23 23:59", OPEN),
    (ALWAYS_OPEN, "2027-01-01 00:00", OPEN),
    (ALWAYS_WORKS, "2026-11-24 00:59", OPEN),
    (ALWAYS_WORKS, "2026-11-24 01:00", closed(Why.OVERRIDE, "2026-11-24 03:00", NIGHT_WORK)),
    (ALWAYS_WORKS, "2026-11-24 03:00", OPEN),
    # a weekday without hours, and a schedule that never opens
    (MON_THU, "2026-11-20 10:00", closed(Why.DAY_OFF, "2026-11-24 09:00")),
    (NEVER, "2026-11-19 10:00", closed(Why.DAY_OFF, None)),
    (NEVER, "2026-11-21 10:00", closed(Why.WEEKEND, None)),
]


def row_id(row: tuple) -> str:
    schedule, moment, expected = row
    name = next(k for k, v in globals().items() if v is schedule and k.isupper())
    return f"{name} {moment} {expected.why or 'open'}"


ROW_IDS = [row_id(row) for row in TABLE]


def assert_status(actual: Status, expected: Status) -> None:
    """Equal fields, and the next opening written in Japan time (not only the same instant)."""
    assert actual == expected
    if expected.next_open is not None:
        assert actual.next_open.isoformat() == expected.next_open.isoformat()
        assert actual.next_open.tzinfo == TOKYO


@pytest.mark.parametrize(("schedule", "moment", "expected"), TABLE, ids=ROW_IDS)
def test_status_in_japan_time(schedule: Schedule, moment: str, expected: Status) -> None:
    assert_status(status(schedule, jst(moment)), expected)


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
@pytest.mark.parametrize(("schedule", "moment", "expected"), TABLE, ids=ROW_IDS)
def test_status_of_the_same_moment_in_another_zone(
    schedule: Schedule, moment: str, expected: Status, zone: str
) -> None:
    elsewhere = jst(moment).astimezone(ZoneInfo(zone))
    assert elsewhere.utcoffset() != jst(moment).utcoffset()
    assert_status(status(schedule, elsewhere), expected)


@pytest.fixture(params=["America/Los_Angeles", "Pacific/Kiritimati", "UTC"])
def host_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test in a process whose own clock zone is not Japan's."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_status_whatever_the_hosts_zone(host_zone: str) -> None:
    host_offset = datetime.fromtimestamp(0).astimezone().utcoffset()
    assert host_offset == ZoneInfo(host_zone).utcoffset(datetime(1970, 1, 1))
    for schedule, moment, expected in TABLE:
        instant = jst(moment)
        host_local = datetime.fromtimestamp(instant.timestamp()).astimezone()  # the host's zone
        for now in (instant, host_local):
            assert_status(status(schedule, now), expected)


def test_the_cause_of_a_closure_carries_its_reason() -> None:
    result = status(IOM_OWN, jst("2026-12-24 10:00"))
    assert result.cause.label["en"] == "an IOM office holiday"
    assert result.cause.label["ja"] == "IOMの休業日"
    assert status(IOM_TRAINING, jst("2026-11-19 11:00")).cause.label == {"en": "staff training"}


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        status(IOM, datetime(2026, 11, 19, 10, 0))


@pytest.mark.parametrize(("first", "last"), [(600, 600), (700, 600), (-1, 60), (0, 1441)])
def test_a_span_must_run_forward_within_a_day(first: int, last: int) -> None:
    with pytest.raises(ValueError, match="a span must run forward within one day"):
        Span(first, last)


@pytest.mark.parametrize(("day", "covered"), [
    ("2026-12-28", False), ("2026-12-29", True), ("2026-12-31", True), ("2027-01-01", True),
    ("2027-01-03", True), ("2027-01-04", False), ("2026-06-15", False),
])
def test_the_year_end_closure_wraps_over_new_year(day: str, covered: bool) -> None:
    assert YEAR_END_RULE.covers(date.fromisoformat(day)) is covered


# Japan's national holidays per the Cabinet Office list (syukujitsu.csv), counted
# per year, and the dates DOMAIN.md names with the package's English names.
HOLIDAY_COUNTS = {2025: 19, 2026: 18, 2027: 17}
NAMED_HOLIDAYS = [
    ("2026-05-06", "Substitute Holiday"),  # Constitution Day fell on a Sunday
    ("2026-09-22", "National Holiday"),    # citizens' holiday between 9-21 and 9-23
    ("2027-03-22", "Substitute Holiday"),  # the Vernal Equinox fell on a Sunday
    ("2026-11-23", "Labor Thanksgiving Day"),
    ("2025-11-24", "Substitute Holiday"),
    ("2025-05-06", "Substitute Holiday"),
    ("2026-01-01", "New Year's Day"),
    ("2027-01-01", "New Year's Day"),
]


@pytest.mark.parametrize(("year", "count"), sorted(HOLIDAY_COUNTS.items()))
def test_the_number_of_national_holidays_per_year(year: int, count: int) -> None:
    days = holiday_names("JP", year)
    assert len(days) == count
    assert {day.year for day in days} == {year}


@pytest.mark.parametrize(("day", "name"), NAMED_HOLIDAYS)
def test_the_holidays_domain_names(day: str, name: str) -> None:
    moment = date.fromisoformat(day)
    assert holiday_names("JP", moment.year)[moment] == name


@pytest.mark.parametrize("day", ["2026-12-29", "2026-12-31", "2027-01-02", "2027-01-03",
                                 "2026-09-24", "2027-03-23", "2026-05-07"])
def test_days_that_are_not_national_holidays(day: str) -> None:
    moment = date.fromisoformat(day)
    assert moment not in holiday_names("JP", moment.year)


def test_next_opening_is_found_far_ahead() -> None:
    """A closure of most of a year still says when the service opens again."""
    long = Closure(date(2026, 1, 5), date(2026, 10, 30), {"en": "renovation"})
    schedule = Schedule(IOM.weekly, (HOLIDAYS, Calendar("long", closures=(long,))))
    result = status(schedule, jst("2026-01-05 10:00"))
    assert result.why is Why.CLOSURE
    assert result.next_open == jst("2026-11-02 09:00")
    assert result.next_open - jst("2026-01-05 10:00") > timedelta(days=300)
