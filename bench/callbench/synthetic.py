"""A year of synthetic calls, deterministic from a seed, shaped like a real hotline's.

More calls on weekdays than at weekends and on holidays, most of them in the
evening (Japan time), a hotline that grows over the year; languages en, ja,
tl and vi; what happens to a caller follows what the shipped menus can do at
that hour (the offices close at 17:00, the police line never does). Each
call is a condensed but faithful script of the engine's events - about six:
those the summary, the lists and the timeline read - and ends with Twilio's
status callback, except for a few whose callback never came. Callers are in
the form the writer stores them, an HMAC-SHA256 hash and a masked number
(``check_redaction`` proves it against ``ivr.calllog.privacy``), and some of
them call again and again.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

import holidays

from ivr.call.events import CallEvent, Kind
from ivr.calllog.outcome import JAPAN
from ivr.calllog.privacy import ANONYMOUS, CallerPrivacy

T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Values to draw in proportion to their weights (cumulative bounds, drawn by bisection)."""

    values: tuple[T, ...]
    bounds: tuple[float, ...]

    @classmethod
    def of(cls, weights: Mapping[T, float]) -> Weighted[T]:
        total, running, bounds = sum(weights.values()), 0.0, []
        for weight in weights.values():
            running += weight
            bounds.append(running / total)
        return cls(tuple(weights), tuple(bounds))

    def draw(self, rng: random.Random) -> T:
        return self.values[min(bisect.bisect(self.bounds, rng.random()), len(self.values) - 1)]


HASH_KEY = b"bench-caller-hash-key"
WEEKDAY_WEIGHT = (1.15, 1.1, 1.1, 1.1, 1.15, 0.75, 0.65)
HOLIDAY_WEIGHT = 0.7
HOUR_WEIGHT = (0.6, 0.4, 0.3, 0.2, 0.2, 0.3, 0.6, 1.0, 1.6, 2.2, 2.6, 2.6,
               2.2, 2.5, 2.5, 2.4, 2.4, 2.8, 3.4, 3.8, 4.0, 3.6, 2.6, 1.4)
HOTLINES = Weighted.of({"main": 0.92, "kansai": 0.08})
DIALLED = {"main": "+815000000000", "kansai": "+815000000001"}
LANGUAGES = Weighted.of({"en": 0.40, "ja": 0.12, "tl": 0.30, "vi": 0.18})
SERVICES = Weighted.of({"police": 0.25, "police-consultation": 0.15, "houterasu": 0.22,
                       "iom": 0.13, "human-rights": 0.08, "fresc": 0.17})
LEGAL = frozenset({"houterasu", "human-rights", "fresc"})  # offered in the legal menu
# Services as the shipped menus define them: the number dialled (None: told, never
# dialled) and the opening ranges on working days, in minutes (None: always open).
DIAL = {"police": "+81335010110", "police-consultation": "+81335038484",
        "houterasu": "+815037545430", "iom": "+81335952487", "human-rights": None,
        "fresc": "+81353633013"}
HOURS: dict[str, tuple[tuple[int, int], ...] | None] = {
    "police": None, "police-consultation": ((510, 1035),), "houterasu": ((540, 1020),),
    "iom": ((540, 750), (810, 1020)), "human-rights": ((540, 1020),), "fresc": ((540, 1020),)}
DIAL_RESULTS = Weighted.of({"completed": 0.85, "busy": 0.07, "no-answer": 0.06, "failed": 0.02})
ANONYMOUS_SHARE, REPEAT_SHARE, REPEAT_POOL = 0.03, 0.35, 40_000
MISSING_STATUS = 0.005  # calls whose status callback never came


def daily_counts(total: int, last_day: date, days: int,
                 rng: random.Random) -> list[tuple[date, int]]:
    """Return (Japan date, calls) for ``days`` days up to ``last_day``, summing to ``total``."""
    first = last_day - timedelta(days=days - 1)
    national = holidays.country_holidays("JP", years=range(first.year, last_day.year + 1))
    dates = [first + timedelta(days=i) for i in range(days)]
    weights = [WEEKDAY_WEIGHT[d.weekday()] * (HOLIDAY_WEIGHT if d in national else 1.0)
               * (0.8 + 0.4 * i / max(1, days - 1)) * rng.uniform(0.9, 1.1)
               for i, d in enumerate(dates)]
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(days), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[:total - sum(counts)]:
        counts[i] += 1
    return list(zip(dates, counts, strict=True))


def start_times(day: date, count: int, rng: random.Random) -> list[datetime]:
    """Return ``count`` aware UTC start times in the Japan day ``day``, in order."""
    midnight = datetime.combine(day, time(0), JAPAN).astimezone(UTC)
    hours = rng.choices(range(24), HOUR_WEIGHT, k=count)
    return sorted(midnight + timedelta(seconds=3600 * hour + 3600 * rng.random())
                  for hour in hours)


def number_of(index: int) -> tuple[str, str]:
    """Return caller number ``index`` (E.164) and its masked form, as ``privacy.mask`` makes it.

    Eight digits from a permutation of 0..10**8 make every index's number
    distinct; one caller in twenty calls from a Philippine mobile, one from a
    Vietnamese one, the others from Japanese mobiles.
    """
    digits = f"{index * 7_919_993 % 10 ** 8:08d}"
    kind = index % 20
    if kind == 0:
        national = "91" + digits
        return "+63" + national, f"+63 {national[:3]} *** **{national[-2:]}"
    if kind == 1:
        national = "9" + digits
        return "+84" + national, f"+84 {national[:3]} *** *{national[-2:]}"
    prefix = ("90", "80", "70")[index % 3]
    if prefix == "80" and digits.startswith("0"):  # 0800 is a free-dial number, not a mobile
        prefix = "90"
    return f"+81{prefix}{digits}", f"+81 {prefix}-****-**{digits[-2:]}"


def caller_hash(number: str, key: bytes = HASH_KEY) -> str:
    """Return the caller hash the log stores for an E.164 number (``privacy.caller_hash``)."""
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


@dataclass
class Callers:
    """Who calls: hidden numbers, one-off callers, and repeat callers (a few very often)."""

    rng: random.Random
    fresh: int  # the index of the next one-off caller

    def pick(self) -> tuple[str | None, str]:
        """Return the next call's (caller hash, masked number)."""
        draw = self.rng.random()
        if draw < ANONYMOUS_SHARE:
            return None, ANONYMOUS
        if draw < ANONYMOUS_SHARE + REPEAT_SHARE:
            index = int(REPEAT_POOL * self.rng.random() ** 2)  # skewed: index 0 calls most
        else:
            index, self.fresh = REPEAT_POOL + self.fresh, self.fresh + 1
        number, masked = number_of(index)
        return caller_hash(number), masked


def check_redaction(indexes: Sequence[int] = range(0, 10 ** 8, 9_973)) -> None:
    """Raise AssertionError unless the synthetic callers are what the writer would store."""
    privacy = CallerPrivacy(HASH_KEY)
    for index in indexes:
        number, masked = number_of(index)
        event = CallEvent("u", "CA", "main", datetime(2026, 1, 1, tzinfo=UTC), 0,
                          Kind.CALL_STARTED, {"caller": number})
        stored = privacy.redact(event).data
        assert (stored["caller_hash"], stored["caller_masked"]) == (caller_hash(number), masked), \
            f"synthetic caller {index} differs from privacy.redact: {stored}"


def closed_reason(service: str, local: datetime,
                  national: Mapping[date, Any]) -> tuple[str, datetime] | None:
    """Return why ``service`` is closed at Japan time ``local`` and when it opens; None: open."""
    ranges = HOURS[service]
    if ranges is None:
        return None
    day, minute = local.date(), local.hour * 60 + local.minute
    why = _closed_day(day, national)
    if why is None:
        starts = [start for start, _ in ranges if start > minute]
        if any(start <= minute < end for start, end in ranges):
            return None
        if starts:
            why = "before_hours" if minute < ranges[0][0] else "break"
            return why, _at(day, starts[0])
        why = "after_hours"
    day += timedelta(days=1)
    while _closed_day(day, national):
        day += timedelta(days=1)
    return why, _at(day, ranges[0][0])


def _closed_day(day: date, national: Mapping[date, Any]) -> str | None:
    if (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3):
        return "year_end"
    if day.weekday() >= 5:
        return "weekend"
    return "holiday" if day in national else None


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), JAPAN)


@dataclass
class Script:
    """The events of one call as the voice views stamp them: one time per request, seq within."""

    rng: random.Random
    call_sid: str
    hotline: str
    at: datetime
    events: list[CallEvent] = field(default_factory=list)
    seq: int = 0

    def request(self, low: float, high: float) -> Script:
        """Start the next webhook request, ``low`` to ``high`` seconds after the last one."""
        self.at += timedelta(seconds=self.rng.uniform(low, high))
        self.seq = 0
        return self

    def add(self, kind: Kind, uid: str | None = None, **data: Any) -> Script:
        """Add an event of this request (a random uid, as ``uuid4().hex`` in the views)."""
        uid = uid or f"{self.rng.getrandbits(128):032x}"
        self.events.append(CallEvent(uid, self.call_sid, self.hotline, self.at, self.seq,
                                     kind, data))
        self.seq += 1
        return self

    def status(self) -> None:
        """Twilio's status callback, at the end of the call."""
        self.request(1, 20)
        seconds = round((self.at - self.events[0].at).total_seconds())
        self.add(Kind.CALL_STATUS, uid=f"{self.call_sid}:status:completed",
                 status="completed", duration=seconds)
