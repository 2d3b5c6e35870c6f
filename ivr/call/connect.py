"""Connecting a caller to a service, and what they hear when it cannot be done.

Pure core. A service is dialled only when it is open and Twilio can dial it.
Otherwise - closed, busy, unanswered, failed, or hours that cannot be
evaluated - the caller hears why, when it opens, the 110 advice, and an offer:
the alternatives open now, the service's number read out, the menu again.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from ivr.call import spoken
from ivr.call.events import EndReason, Event
from ivr.call.events import Kind as E
from ivr.call.steps import Dial, Kind, Place, Step, Talk, gather_at, talk_for, where
from ivr.phonetree import hours, speech
from ivr.phonetree.hours import Status, Why, zone
from ivr.phonetree.speech import Utterance
from ivr.phonetree.tree import Hotline, Service, Tree

MAX_ALTERNATIVES = 3
DIAL_OUTCOMES = {"completed": "completed", "answered": "completed", "busy": "busy",
                 "no-answer": "no_answer", "failed": "failed", "canceled": "failed"}


def service_status(service: Service, now: datetime) -> Status:
    """The service's status; a schedule that cannot be evaluated is never 'open'."""
    try:
        return hours.status(service.schedule, now)
    except Exception:  # fail safe: an unknown status offers the 24 h lines and 110
        return hours.UNKNOWN


def connect(tree: Tree, hotline: Hotline, place: Place, now: datetime) -> Step:
    """Dial the service if it is open and diallable; otherwise explain and offer."""
    service = tree.services[place.target]
    talk = talk_for(tree, hotline, place.lang)
    if service.dial is None:
        told = dataclasses.replace(place, kind=Kind.TELL)
        return tell(tree, hotline, told, now, (talk.say("not_dialable", service=talk.service(
            service.id)),))
    status = service_status(service, now)
    if not status.open:
        why = "unknown" if status.why is Why.UNKNOWN else "closed"
        shut = Place(Kind.OFFER, hotline.id, place.lang, service.id, place.origin, why,
                     alternatives(tree, service, now, status.why is Why.UNKNOWN, place.lang))
        closed = Event.of(E.CLOSED, service=service.id, reason=status.why.value,
                          next_open=status.next_open.isoformat() if status.next_open else None,
                          cause=status.cause.key if status.cause and status.cause.key else None)
        step = offer(tree, hotline, shut, now, status=status)
        return dataclasses.replace(step, events=(closed, *step.events))
    languages = spoken.offer(tree, hotline, place, service, lambda s: _can_connect(s, now))
    if languages is not None:  # another open service speaks the caller's language: ask first
        return languages
    action = Place(Kind.DIALLED, hotline.id, place.lang, service.id, place.origin)
    caller_id = service.caller_id or hotline.caller_id
    return Step((*spoken.notice(talk, service, place),
                 talk.say("connecting", service=talk.service(service.id))),
                dial=Dial(service.dial, caller_id, service.ring_seconds, action),
                events=(Event.of(E.DIAL_STARTED, service=service.id, number=service.dial),))


def dialled(tree: Tree, hotline: Hotline, place: Place, dial_status: str,
            dial_duration: int | None, now: datetime) -> Step:
    """After a connection: goodbye if it took place, else why not and what now."""
    outcome = DIAL_OUTCOMES.get(dial_status, "failed")
    result = Event.of(E.DIAL_RESULT, service=place.target, dial_status=dial_status,
                      dial_duration=dial_duration)
    talk = talk_for(tree, hotline, place.lang)
    if outcome == "completed":
        return Step((talk.say("goodbye"),), hangup=True, events=(result, Event.of(
            E.CALL_ENDED, where=where(place), reason=EndReason.DIALLED.value)))
    service = tree.services[place.target]
    unavailable = Place(Kind.OFFER, hotline.id, place.lang, service.id, place.origin, outcome,
                        alternatives(tree, service, now, lang=place.lang))
    step = offer(tree, hotline, unavailable, now)
    return dataclasses.replace(step, events=(result, *step.events))


def alternatives(tree: Tree, service: Service, now: datetime, unknown: bool = False,
                 lang: str | None = None) -> tuple[str, ...]:
    """The services to offer instead, open now; with an unknown status, the 24 h lines first;
    else those that speak the caller's language (``lang``) first."""
    candidates = list(service.alternatives)
    if unknown:
        always = [s.id for s in tree.services.values() if s.schedule.weekly.always]
        candidates = always + [c for c in candidates if c not in always]
    else:
        candidates = spoken.preferred(tree, candidates, lang)
    offered = [c for c in candidates if c != service.id and _can_connect(tree.services[c], now)]
    return tuple(offered[:MAX_ALTERNATIVES])


def _can_connect(service: Service, now: datetime) -> bool:
    return service.dial is not None and service_status(service, now).open


def offer(tree: Tree, hotline: Hotline, place: Place, now: datetime,
          notice: tuple[Utterance, ...] = (), status: Status | None = None) -> Step:
    """Why the service cannot be reached, the 110 advice, and what the caller can do now."""
    if place.why == spoken.WHY:
        return spoken.step(tree, hotline, place, notice)
    service = tree.services[place.target]
    talk = talk_for(tree, hotline, place.lang)
    if place.why in ("closed", "unknown"):
        reason = closed_sentences(talk, service, status or service_status(service, now), now)
    else:
        reason = (talk.say(place.why if place.why in DIAL_OUTCOMES.values() else "failed",
                           service=talk.service(service.id)),)
    lines = [*notice, *reason, talk.say("emergency")]
    for n, alt in enumerate(place.alts, start=1):
        lines.append(talk.say("offer_service", service=talk.service(alt), key=talk.key(str(n))))
    if service.number:
        lines.append(talk.say("offer_number", service=talk.service(service.id),
                              key=talk.key(str(len(place.alts) + 1))))
    advice = Event.of(E.EMERGENCY_ADVICE, where="unavailable")
    return Step((*lines, *talk.hints()), gather=gather_at(hotline, place), events=(advice,))


def choose_offer(tree: Tree, hotline: Hotline, place: Place, digit: str,
                 now: datetime) -> Step | None:
    """A key pressed in an offer: another service, or the number read out."""
    if place.why == spoken.WHY:
        target = spoken.chosen(place, digit)
        if target is None:
            return None
        step = connect(tree, hotline, target, now)
        chosen = Event.of(E.SERVICE_CHOSEN, service=target.target, menu=where(place))
        return dataclasses.replace(step, events=(chosen, *step.events))
    if not digit.isdigit() or digit == "0":
        return None
    choice = int(digit)
    service = tree.services[place.target]
    if choice <= len(place.alts):
        alt = place.alts[choice - 1]
        chosen = Event.of(E.SERVICE_CHOSEN, service=alt, menu=where(place))
        step = connect(tree, hotline, Place(Kind.SERVICE, hotline.id, place.lang, alt,
                                            place.origin), now)
        return dataclasses.replace(step, events=(chosen, *step.events))
    if choice == len(place.alts) + 1 and service.number:
        told = Place(Kind.TELL, hotline.id, place.lang, service.id, place.origin)
        return tell(tree, hotline, told, now)
    return None


def tell(tree: Tree, hotline: Hotline, place: Place, now: datetime,
         notice: tuple[Utterance, ...] = ()) -> Step:
    """A service's number, slowly and twice, its hours, and whether it is open now."""
    service = tree.services[place.target]
    talk = talk_for(tree, hotline, place.lang)
    lines = list(notice)
    if service.number:
        number = speech.digits(talk.language, service.number)
        lines += [talk.say("number", service=talk.service(service.id), number=number),
                  talk.say("number_again", number=number)]
    lines += _hours_sentences(talk, service)
    status = service_status(service, now)
    if status.why is not Why.UNKNOWN:
        lines.append(talk.say("open_now" if status.open else "closed_now",
                              service=talk.service(service.id)))
    told = Event.of(E.NUMBER_TOLD, service=service.id)
    return Step((*lines, *talk.hints()), gather=gather_at(hotline, place), events=(told,))


def _hours_sentences(talk: Talk, service: Service) -> list[Utterance]:
    weekly = service.schedule.weekly
    if weekly.always:
        return [talk.say("hours_always", service=talk.service(service.id))]
    lines = [talk.say("hours", hours=speech.hours_parts(talk.language, weekly))]
    if service.schedule.calendars:
        lines.append(talk.say("hours_holidays"))
    return lines


def closed_sentences(talk: Talk, service: Service, status: Status,
                     now: datetime) -> tuple[Utterance, ...]:
    """"X is closed now. It is the lunch break. It opens today at 13:30.\""""
    name = talk.service(service.id)
    if status.open:
        return (talk.say("open_now", service=name),)
    if status.why is Why.UNKNOWN:  # nothing about this schedule can be trusted
        return (talk.say("closed", service=name), talk.say("closed_unknown"),
                talk.say("opens_unknown"))
    local = now.astimezone(zone(service.schedule.timezone))
    return (talk.say("closed", service=name), _reason(talk, status, local),
            _opens(talk, status, local))


def _reason(talk: Talk, status: Status, local: datetime) -> Utterance:
    why = status.why or Why.UNKNOWN
    lang = talk.language.code
    if why in (Why.CLOSURE, Why.OVERRIDE):
        cause = status.cause
        if cause is not None and lang in cause.label:
            label = speech.Part(cause.label[lang], cause.key)
            return talk.say(f"closed_{why.value}", reason=label)
        return talk.say("closed_unknown")
    if why is Why.DAY_OFF:
        return talk.say("closed_day_off", weekday=speech.weekday(talk.language, local.weekday()))
    return talk.say(f"closed_{why.value}")


def _opens(talk: Talk, status: Status, local: datetime) -> Utterance:
    """When it opens next, in the nearest words: today, tomorrow, a weekday, a date."""
    opening = status.next_open
    if opening is None:
        return talk.say("opens_unknown")
    days = (opening.date() - local.date()).days
    at = speech.time_of_day(talk.language, opening.hour * 60 + opening.minute)
    if days == 0:
        return talk.say("opens_today", time=at)
    if days == 1:
        return talk.say("opens_tomorrow", time=at)
    if days < 7:
        return talk.say("opens_weekday", weekday=speech.weekday(talk.language, opening.weekday()),
                        time=at)
    return talk.say("opens_date", date=speech.date_parts(talk.language, opening.month,
                                                         opening.day), time=at)
