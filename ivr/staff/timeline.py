"""A call's events in plain words for staff ("Pressed 4 in menu main"), in Japan time.

Pure: events, names and the causes of closures in, sentences out. Event
data comes from the log as it was written; a field that is missing or odd is
shown as it is, never trusted to be well formed. A closure's cause is a key
("notice.12", "closure.<calendar>.<n>"); ``causes`` words the ones the
caller could find (a notice from the database: "notice 12: the office is
moving"); any other shows its key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ivr.call.events import CallEvent, FallbackReason, Kind
from ivr.calllog.outcome import JAPAN
from ivr.staff.names import Names

Data = Mapping[str, Any]
# Why a service was closed (hours.Why), as staff would say it.
REASONS = {
    "before_hours": "not open yet today", "after_hours": "closed for the day",
    "break": "lunch break", "weekend": "weekend", "day_off": "not open on this weekday",
    "holiday": "national holiday", "year_end": "year-end closure",
    "closure": "closed on this date", "override": "temporarily closed",
    "unknown": "its hours could not be worked out",
}
DIAL_RESULTS = {"completed": "answered", "answered": "answered", "busy": "busy",
                "no-answer": "no answer", "failed": "the connection failed",
                "canceled": "cancelled"}
ADVICE = {"greeting": "in the greeting", "goodbye": "before the goodbye",
          "closed": "after hearing the service was closed",
          "unavailable": "after a connection failed"}
ENDINGS = {"goodbye": "The hotline said goodbye and hung up in {}",
           "no_input": "The hotline hung up after silence in {}",
           "too_many_invalid": "The hotline hung up after too many wrong keys in {}",
           "dialled": "The hotline handed the call over at {}"}


@dataclass(frozen=True)
class Moment:
    """One line of a call's timeline."""

    at: datetime  # aware UTC
    since_start: timedelta
    kind: str
    text: str


def timeline(events: Sequence[CallEvent], names: Names,
             causes: Mapping[str, str] | None = None) -> list[Moment]:
    """Return the events as timeline lines, in the order given (the store's: as they happened)."""
    start = events[0].at if events else None
    return [Moment(e.at, e.at - start, str(e.kind), describe(e, names, causes)) for e in events]


def describe(event: CallEvent, names: Names, causes: Mapping[str, str] | None = None) -> str:
    """Return what happened in one event, in a sentence."""
    if event.kind is Kind.CLOSED:
        return _closed(event.data, names, event.at, causes or {})
    return _DESCRIPTIONS.get(event.kind, _unknown)(event.data, names, event.at)


def seconds_text(seconds: object) -> str:
    """Return a duration as "45 s", "1 min 20 s" or "1 h 2 min"; "?" when not a number."""
    try:
        total = int(str(seconds))
    except ValueError:
        return "?"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _text(value: object) -> str:
    return "?" if value is None or value == "" else str(value)


def _opens(next_open: object, at: datetime) -> str:
    """Return "opens 13:30" (same Japan day) or "opens Mon 5 Jan 09:00"."""
    try:
        moment = datetime.fromisoformat(str(next_open)).astimezone(JAPAN)
    except ValueError:
        return "no opening time known"
    if moment.date() == at.astimezone(JAPAN).date():
        return f"opens {moment:%H:%M}"
    return f"opens {moment:%a} {moment.day} {moment:%b %H:%M}"


def _closed(data: Data, names: Names, at: datetime, causes: Mapping[str, str]) -> str:
    """"IOM Tokyo was closed by notice 12: the office is moving; opens 15:00"."""
    reason = REASONS.get(str(data.get("reason")), _text(data.get("reason")))
    opens = _opens(data["next_open"], at) if data.get("next_open") else "no opening time known"
    cause = data.get("cause")
    if cause and str(cause) in causes:
        why = f" by {causes[str(cause)]}"
    else:
        why = f": {reason} ({cause})" if cause else f": {reason}"
    return f"{names.service(data.get('service'))} was closed{why}; {opens}"


def _dial_result(data: Data, names: Names, _at: datetime) -> str:
    status = _text(data.get("dial_status"))
    words = DIAL_RESULTS.get(status, status)
    after = data.get("dial_duration")
    timing = f" after {seconds_text(after)}" if after not in (None, "") else ""
    return f"{names.service(data.get('service'))}: {words}{timing}"


def _status(data: Data, _names: Names, _at: datetime) -> str:
    duration = data.get("duration")
    length = f", {seconds_text(duration)}" if duration not in (None, "") else ""
    return f"Twilio reported the call {_text(data.get('status'))}{length}"


def _ended(data: Data, names: Names, _at: datetime) -> str:
    reason, place = str(data.get("reason")), names.menu(_place(data, names))
    if reason in ENDINGS:
        return ENDINGS[reason].format(place)
    return f"The hotline ended the call ({reason}) in {place}"


def _place(data: Data, names: Names) -> str | None:
    """Return the ``where`` of an ending; a bare service id is the connection to it."""
    where = data.get("where")
    if names.tree and where in names.tree.services:
        return f"dialled:{where}"
    return None if where is None else str(where)


def _unknown(data: Data, _names: Names, _at: datetime) -> str:
    return "Unrecorded kind of event"


def _simple(template: str) -> Callable[[Data, Names, datetime], str]:
    """Return a describer filling ``template`` from the event's data, ids named."""
    def fill(data: Data, names: Names, _at: datetime) -> str:
        return template.format(
            caller=_text(data.get("caller_masked")), to=_text(data.get("to")),
            hotline=names.hotline(data.get("hotline")), menu=names.menu(data.get("menu")),
            digit=_text(data.get("digit")), attempt=_text(data.get("attempt")),
            language=names.language(data.get("language")),
            service=names.service(data.get("service")), number=_text(data.get("number")),
            where=ADVICE.get(str(data.get("where")), _text(data.get("where"))),
            error=_text(data.get("error_code")))
    return fill


_FALLBACK = {
    FallbackReason.NO_MENUS: "No menus passed the checks; the caller heard the fallback answer "
                             "(the 110 advice and the 24 h line)",
    FallbackReason.ERROR: "A step of the app failed; the caller heard the fallback answer "
                          "(the 110 advice and the 24 h line)",
}


def _fallback(data: Data, names: Names, at: datetime) -> str:
    """Twilio's fallback URL (an error code), or the app's own fallback (a reason)."""
    reason = data.get("reason")
    if reason in _FALLBACK:
        return _FALLBACK[reason]
    return _simple("The app failed; Twilio played the fallback answer (error {error})")(
        data, names, at)


_DESCRIPTIONS: dict[Kind, Callable[[Data, Names, datetime], str]] = {
    Kind.CALL_STARTED: _simple("Call from {caller} to {to} ({hotline})"),
    Kind.LANGUAGE_CHOSEN: _simple("Chose {language}"),
    Kind.MENU_ENTERED: _simple("Heard {menu}"),
    Kind.KEY_PRESSED: _simple("Pressed {digit} in {menu}"),
    Kind.INVALID_KEY: _simple("Pressed {digit} in {menu}: not an option (attempt {attempt})"),
    Kind.SILENCE: _simple("No key pressed in {menu} (silence {attempt})"),
    Kind.SERVICE_CHOSEN: _simple("Chose {service} in {menu}"),
    Kind.DIAL_STARTED: _simple("Dialled {service} at {number}"),
    Kind.DIAL_RESULT: _dial_result,
    Kind.NUMBER_TOLD: _simple("Heard the number of {service}"),
    Kind.FALLBACK_USED: _fallback,
    Kind.EMERGENCY_ADVICE: _simple("Heard the 110/119 emergency advice {where}"),
    Kind.CALL_ENDED: _ended,
    Kind.CALL_STATUS: _status,
}
