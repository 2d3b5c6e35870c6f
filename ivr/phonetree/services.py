"""Build the services and calendars of the tree: numbers, hours, closures, sources.

Pure core. Each builder reads one definition through a ``Section`` and
returns the typed object, or None when it cannot be built; ``schema`` calls
them in order, calendars before the services that close on them.
"""

from __future__ import annotations

from typing import Any

import holidays

from ivr.phonetree import fields, numbers
from ivr.phonetree.hours import Calendar, Closure, Override, Schedule, YearlyClosure
from ivr.phonetree.report import Invalid, Section, did_you_mean
from ivr.phonetree.tree import Service, Source


def calendar(cid: str, s: Section, built: dict) -> Calendar | None:
    country = s.take("national_holidays", _country, None)
    yearly = tuple(s.each("yearly", lambda c, n: YearlyClosure(
        c.take("from", fields.day_of_year), c.take("to", fields.day_of_year),
        c.take("reason", fields.texts, {}), f"closure.{cid}.y{n}"), ("from", "to", "reason")))
    closures = tuple(s.each("closures", lambda c, n: _closure(cid, c, n),
                           ("date", "from", "to", "reason")))
    return Calendar(cid, country, yearly, closures)


def _closure(cid: str, c: Section, n: int) -> Closure:
    if c.has("date"):
        first = last = c.take("date", fields.calendar_date)
    else:
        first, last = c.take("from", fields.calendar_date), c.take("to", fields.calendar_date)
    if first and last and last < first:
        c.error("to", f"ends ({last}) before it starts ({first})")
    return Closure(first, last, c.take("reason", fields.texts), f"closure.{cid}.{n}")


def _country(raw: Any) -> str:
    code = fields.text(raw).upper()
    if code not in holidays.list_supported_countries():
        raise Invalid(f"'{code}' is not a country the holidays package knows; Japan is JP")
    return code


def service(sid: str, s: Section, built: dict) -> Service | None:
    zone = s.take("timezone", fields.timezone, "Asia/Tokyo")
    weekly = s.take("hours", fields.weekly)
    overrides = tuple(s.each("overrides", lambda c, n: _override(sid, c, n, zone or "Asia/Tokyo"),
                            ("state", "from", "until", "reason")))
    calendar_ids = s.take("closed_on", fields.id_list, ())
    dial, number = _numbers(s)
    calendars = _calendars(s, calendar_ids or (), built["calendars"])
    service = Service(
        sid, s.take("name", fields.texts), dial, number,
        Schedule(weekly, calendars, overrides, zone or "Asia/Tokyo") if weekly else None,
        s.take("alternatives", fields.id_list, ()),
        s.take("ring_seconds", fields.whole_number(5, 120), 30),
        _source(s), s.take("languages", fields.language_codes, ()),
        s.take("caller_id", numbers.e164, None))
    return service if None not in (service.name, service.schedule, service.source) else None


def _numbers(s: Section) -> tuple[str | None, str | None]:
    """The number Twilio dials and the number callers hear; where a service has both,
    callers hear the one dialled."""
    dial, told = _dial(s)
    number = s.take("number", numbers.told, None)
    if not s.has("number") and not s.has("dial"):
        s.error(None, "give 'dial' (a number Twilio can call) or 'number' (a number "
                "to read out), or both")
    elif not s.has("number") and told:
        s.error("dial", "Twilio cannot dial it, so give 'number': the number callers hear "
                "and can dial themselves")
    elif number and dial and not numbers.same_number(number, dial):
        s.error("number", f"'number' is {number} but 'dial' is {dial} "
                f"({numbers.as_dialled_in_japan(dial)} in Japan): callers must hear the "
                "number the hotline dials")
    return dial, number


def _dial(s: Section) -> tuple[str | None, bool]:
    """The number Twilio dials, and whether 'dial' names one it cannot (0570, 110)."""
    raw = s.node.get("dial")
    why = numbers.why_undiallable(raw) if isinstance(raw, str) else None
    if why is None:
        return s.take("dial", numbers.e164, None), False
    s.used.add("dial")
    s.warning("dial", f"'{raw.strip()}' is {why}, which Twilio cannot dial: callers will "
              "hear the number instead")
    return None, True


def _calendars(s: Section, ids: tuple[str, ...], known: dict[str, Calendar]) -> tuple:
    for cid in ids:
        if cid not in known and ("calendars", cid) not in s.report.places:
            s.error("closed_on", f"'closed_on' names the calendar '{cid}', which does not "
                    f"exist{did_you_mean(cid, known)}")
    return tuple(known[cid] for cid in ids if cid in known)


def _override(sid: str, c: Section, n: int, zone: str) -> Override:
    state = c.take("state", _state)
    start = c.take("from", fields.local_datetime(zone))
    end = c.take("until", fields.local_datetime(zone))
    if start and end and end <= start:
        c.error("until", f"must come after 'from' ({start:%Y-%m-%d %H:%M})")
    reason = c.take("reason", fields.texts, {}) if state else c.take("reason", fields.texts)
    return Override(start, end, bool(state), reason or {}, f"override.{sid}.{n}")


def _state(raw: Any) -> bool:
    value = fields.text(raw).lower()
    if value not in {"open", "closed"}:
        raise Invalid(f"must be 'open' or 'closed', not '{value}'")
    return value == "open"


def _source(s: Section) -> Source | None:
    src = s.child("source")
    if src is None:
        if not s.has("source"):
            s.error(None, "'source' is missing: say where the number and hours come from "
                    "and when they were checked")
        return None
    source = Source(src.take("name", fields.text), src.take("url", fields.text, None),
                    src.take("checked", fields.calendar_date), src.take("note", fields.text, None))
    src.done(("name", "url", "checked", "note"))
    return source if source.name and source.checked else None
