"""The moments two trees are compared at: the next weekday morning and lunch break, Saturday
night and national holiday, and a moment staff choose.

Pure core: computed from ``now`` (an argument), in Japan time, whatever the host's zone. A
weekday is Monday to Friday, neither a national holiday of the trees' calendars (Japan's,
``hours.holiday_names``) nor a day of their yearly closures (the year-end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ivr.phonetree import hours
from ivr.phonetree.hours import zone
from ivr.phonetree.tree import Tree


@dataclass(frozen=True)
class Moment:
    """A moment paths are compared at: its name in sentences and when it is (Japan time)."""

    name: str  # "weekday 10:00"
    at: datetime
    note: str = ""  # the holiday's name

    @property
    def when(self) -> str:
        """"Tue 2026-11-24 10:00", and the holiday's name."""
        text = f"{self.at:%a %Y-%m-%d %H:%M}"
        return f"{text}, {self.note}" if self.note else text


def reference(now: datetime, trees: tuple[Tree, ...] = (),
              chosen: datetime | None = None) -> tuple[Moment, ...]:
    """The next weekday 10:00 and 12:45, Saturday 22:00 and national holiday at 10:00 after
    ``now`` (Japan time), then ``chosen``. A weekday is Monday to Friday, neither a national
    holiday nor a yearly closure of the trees' calendars."""
    japan = zone("Asia/Tokyo")
    local = now.astimezone(japan)
    days = [local.date() + timedelta(days=n) for n in range(hours.SEARCH_DAYS)]
    names = _holidays(trees, local.year)

    def first(clock: time, fits) -> datetime | None:
        for day in days:
            moment = datetime.combine(day, clock, japan)
            if moment > local and fits(day):
                return moment
        return None

    def weekday(day: date) -> bool:
        return day.weekday() < 5 and day not in names and not _yearly(trees, day)

    found = [("weekday 10:00", first(time(10), weekday)),
             ("weekday 12:45", first(time(12, 45), weekday)),
             ("Saturday 22:00", first(time(22), lambda day: day.weekday() == 5)),
             ("holiday 10:00", first(time(10), lambda day: day in names))]
    moments = [Moment(name, at, names.get(at.date(), "") if name.startswith("holiday") else "")
               for name, at in found if at is not None]
    if chosen is not None:
        at = chosen.astimezone(japan)
        moments.append(Moment(f"{at:%Y-%m-%d %H:%M}", at))
    return tuple(moments)


def _calendars(trees: tuple[Tree, ...]):
    return [calendar for tree in trees for service in tree.services.values()
            for calendar in service.schedule.calendars]


def _holidays(trees: tuple[Tree, ...], year: int) -> dict[date, str]:
    """National holidays of the trees' calendars (Japan's when they name none), this year
    and the next (as far as moments are looked for)."""
    countries = {c.national_holidays for c in _calendars(trees) if c.national_holidays}
    table: dict[date, str] = {}
    for country in sorted(countries or {"JP"}):
        for offset in (0, 1):
            table.update(hours.holiday_names(country, year + offset))
    return table


def _yearly(trees: tuple[Tree, ...], day: date) -> bool:
    return any(closure.covers(day) for c in _calendars(trees) for closure in c.yearly)
