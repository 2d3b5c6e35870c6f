"""The engine on its own: steps, what is said, the events logged, and failing safe."""

from __future__ import annotations

import dataclasses
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from conftest import AUDIO, MENUS, jst

from ivr.call import engine
from ivr.call.engine import Kind, Place
from ivr.call.events import Kind as E
from ivr.phonetree import hours, loader
from ivr.phonetree.speech import Part, Utterance
from ivr.phonetree.tree import frozen_map
from ivr.web.twiml import Renderer


@pytest.fixture(scope="module")
def tree():
    return loader.load(str(MENUS), str(AUDIO)).tree


def with_service(tree, sid, **changes):
    services = dict(tree.services)
    services[sid] = dataclasses.replace(tree.services[sid], **changes)
    return dataclasses.replace(tree, services=frozen_map(services))


def with_schedule(tree, sid, **changes):
    schedule = dataclasses.replace(tree.services[sid].schedule, **changes)
    return with_service(tree, sid, schedule=schedule)


def texts(step):
    return [u.text for u in step.speech]


def kinds(step):
    return [(e.kind, dict(e.data)) for e in step.events]


MAIN = Place(Kind.MENU, "main", "en", "main")


def press(tree, place, key, now="2026-11-24 10:00"):
    return engine.respond(tree, place, key, jst(now))


def test_choosing_a_service_logs_the_choice_then_the_dial(tree):
    step = press(tree, MAIN, "4")
    assert kinds(step) == [
        (E.KEY_PRESSED, {"menu": "main", "digit": "4"}),
        (E.SERVICE_CHOSEN, {"service": "iom", "menu": "main"}),
        (E.DIAL_STARTED, {"service": "iom", "number": "+81335952487"})]
    assert step.dial == engine.Dial("+81335952487", None, 30,
                                    Place(Kind.DIALLED, "main", "en", "iom", "main"))


def test_a_closed_service_logs_why_and_when_it_opens(tree):
    step = press(tree, MAIN, "4", "2026-11-24 12:45")
    assert kinds(step)[2:] == [
        (E.CLOSED, {"service": "iom", "reason": "break",
                    "next_open": "2026-11-24T13:30:00+09:00", "cause": None}),
        (E.EMERGENCY_ADVICE, {"where": "unavailable"})]


def test_a_schedule_that_cannot_be_evaluated_offers_the_24h_line_and_110(tree):
    broken = with_schedule(tree, "iom", timezone="Not/A_Zone")
    step = press(broken, MAIN, "4")
    assert step.gather.action.why == "unknown"
    assert step.gather.action.alts == ("police", "police-consultation", "houterasu")
    assert texts(step)[:5] == [
        "IOM Tokyo is closed now.",
        "We cannot tell if it is open at the moment.",
        "We do not know when it opens again.",
        texts(step)[3],
        "To call the Tokyo police English line, which is open now, press 1."]
    assert texts(step)[3].startswith("If you are in danger now, hang up and dial 1 1 0")
    assert kinds(step)[2] == (E.CLOSED, {"service": "iom", "reason": "unknown",
                                         "next_open": None, "cause": None})


def test_a_broken_alternative_is_never_offered_as_open(tree):
    broken = with_schedule(tree, "houterasu", timezone="Not/A_Zone")
    step = press(broken, MAIN, "4", "2026-11-24 12:45")
    assert step.gather.action.alts == ("police-consultation", "police")


def test_an_override_closes_with_its_reason_until_it_expires(tree):
    override = hours.Override(jst("2026-11-24 09:00"), jst("2026-11-25 12:00"), False,
                              frozen_map({"en": "the office is moving", "ja": "事務所の移転",
                                          "tl": "lumilipat ang opisina"}), "override.iom.1")
    moved = with_schedule(tree, "iom", overrides=(override,))
    during = press(moved, MAIN, "4", "2026-11-24 10:00")
    assert texts(during)[:3] == ["IOM Tokyo is closed now.",
                                 "It is closed for now: the office is moving.",
                                 "It opens tomorrow at 12:00."]
    assert kinds(during)[2] == (E.CLOSED, {"service": "iom", "reason": "override",
                                           "next_open": "2026-11-25T12:00:00+09:00",
                                           "cause": "override.iom.1"})
    after = press(moved, MAIN, "4", "2026-11-25 14:00")
    assert after.dial is not None


def test_a_dated_closure_far_ahead_names_the_date(tree):
    closure = hours.Closure(date(2026, 11, 24), date(2026, 12, 4),
                            frozen_map({"en": "the annual staff training", "ja": "職員研修",
                                        "tl": "taunang pagsasanay"}), "closure.iom-holidays.1")
    calendar = hours.Calendar("iom-holidays", closures=(closure,))
    closed = with_schedule(tree, "iom", calendars=(calendar,))
    step = press(closed, MAIN, "4", "2026-11-24 10:00")
    assert texts(step)[:3] == ["IOM Tokyo is closed now.",
                               "It is closed today: the annual staff training.",
                               "It opens on December 7 at 9:00."]
    assert kinds(step)[2] == (E.CLOSED, {"service": "iom", "reason": "closure",
                                         "next_open": "2026-12-07T09:00:00+09:00",
                                         "cause": "closure.iom-holidays.1"})


def test_a_yearly_closure_and_a_holiday_log_their_cause_or_none(tree):
    year_end = press(tree, MAIN, "4", "2026-12-30 10:00")
    holiday = press(tree, MAIN, "4", "2026-11-23 10:00")
    assert [kinds(step)[2][1]["cause"] for step in (year_end, holiday)] == [
        "closure.year-end.y1", None]


def test_a_weekday_without_hours_is_a_day_off(tree):
    days = tuple((hours.Span(540, 1020),) if d < 3 else () for d in range(7))
    short = with_schedule(tree, "iom", weekly=hours.WeeklyHours(days), calendars=())
    step = press(short, MAIN, "4", "2026-11-26 10:00")  # a Thursday
    assert texts(step)[1:3] == ["It is closed on Thursdays.", "It opens on Monday at 9:00."]


def test_a_service_twilio_cannot_dial_is_told_instead(tree):
    told = with_service(tree, "iom", dial=None)
    step = press(told, MAIN, "4")
    assert step.dial is None
    assert texts(step)[:2] == [
        "IOM Tokyo cannot be connected from this line, but you can call it yourself.",
        "The number of IOM Tokyo is: 0, 3. 3, 5, 9, 5. 2, 4, 8, 7."]
    assert step.gather.action.kind is Kind.TELL


def test_a_one_language_hotline_starts_in_its_menu(tree):
    hotline = dataclasses.replace(tree.hotlines["main"], languages=("ja",))
    solo = dataclasses.replace(tree, hotlines=frozen_map({"main": hotline}))
    step = engine.start(solo, "+815000000000")
    assert texts(step)[:3] == [solo.languages["ja"].phrases["greeting"],
                               solo.languages["ja"].phrases["emergency"],
                               "ご用件をお選びください。"]
    assert [e.kind for e in step.events] == [E.EMERGENCY_ADVICE, E.LANGUAGE_CHOSEN,
                                             E.MENU_ENTERED]
    assert step.gather.action == Place(Kind.MENU, "main", "ja", "main")


def test_the_dialled_number_selects_the_hotline(tree):
    other = dataclasses.replace(tree.hotlines["main"], id="kansai", numbers=("+81665550000",),
                                default=False, languages=("tl", "en"))
    both = dataclasses.replace(tree, hotlines=frozen_map({"main": tree.hotlines["main"],
                                                          "kansai": other}))
    assert engine.start(both, "+81665550000").gather.action.hotline == "kansai"
    assert engine.start(both, "+81335550000").gather.action.hotline == "main"
    assert engine.start(both, None).gather.action.hotline == "main"
    step = engine.respond(both, Place(Kind.LANGUAGE, "kansai", target="language"), "1",
                          jst("2026-11-24 10:00"))
    assert step.gather.action.lang == "tl"


def test_menu_steps_are_rendered_once_and_reused_at_every_turn(tree, monkeypatch):
    renderer = Renderer(tree)
    builds = []
    build = renderer.build
    monkeypatch.setattr(renderer, "build", lambda *args: builds.append(args) or build(*args))
    first = press(tree, MAIN, "3")
    second = press(tree, MAIN, "3", "2026-11-28 23:00")
    assert first == second
    at_turn_3, at_turn_12 = renderer.render(first, turn=3), renderer.render(second, turn=12)
    assert len(builds) == 1
    assert at_turn_3 == str(build(first, "", "/audio/", 3))
    assert at_turn_12 == str(build(first, "", "/audio/", 12))
    assert 'action="/voice/menu?h=main&amp;l=en&amp;t=legal&amp;n=12"' in at_turn_12


def test_a_language_without_a_voice_plays_its_recordings(tree):
    ne = dataclasses.replace(tree.languages["en"], code="ne",
                             voice=dataclasses.replace(tree.languages["en"].voice, language=None))
    recordings = {("ne", "menu.main"): "ne/menu.main.wav", ("ne", "busy.1"): "ne/busy.1.wav",
                  ("ne", "service.iom"): "ne/service.iom.wav"}
    nepali = dataclasses.replace(tree, languages=frozen_map({**tree.languages, "ne": ne}),
                                 recordings=frozen_map(recordings))
    renderer = Renderer(nepali)
    menu = renderer.render(engine.respond(nepali, Place(Kind.MENU, "main", "en", "main"), None,
                                          jst("2026-11-24 10:00")))
    assert "<Say" in menu  # English still speaks
    busy = Utterance("ne", (Part("IOM", "service.iom"), Part(" is busy.", "busy.1"),
                            Part(", ", None)))
    xml = renderer.render(engine.Step((busy,)), "", "https://cdn.example/")
    assert xml == ('<?xml version="1.0" encoding="UTF-8"?><Response>'
                   "<Play>https://cdn.example/ne/service.iom.wav</Play>"
                   "<Play>https://cdn.example/ne/busy.1.wav</Play></Response>")


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-11-24 08:29", "It has not opened yet today."),
    ("2026-11-24 17:00", "It has closed for today."),
    ("2026-11-28 10:00", "It is closed at the weekend."),
    ("2026-09-22 10:00", "Today is a national holiday."),
    ("2026-12-29 10:00", "It is closed for the New Year holidays."),
    ("2027-01-01 10:00", "It is closed for the New Year holidays."),
])
def test_closed_reasons_in_words(tree, now, expected):
    step = press(tree, MAIN, "2", now)  # police consultation, Mon-Fri 8:30-17:15
    if now.endswith("17:00"):
        step = press(tree, MAIN, "4", now)  # IOM closes at 17:00
    assert texts(step)[1] == expected


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_now_may_come_in_any_zone(tree, zone):
    elsewhere = jst("2026-11-24 12:45").astimezone(ZoneInfo(zone))
    assert texts(engine.respond(tree, MAIN, "4", elsewhere)) == texts(
        press(tree, MAIN, "4", "2026-11-24 12:45"))


def with_input(tree, **limits):
    hotline = tree.hotlines["main"]
    limited = dataclasses.replace(hotline, input=dataclasses.replace(hotline.input, **limits))
    return dataclasses.replace(tree, hotlines=frozen_map({"main": limited}))


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_silence_retries_n_ends_the_call_at_the_nth_silence(tree, limit):
    limited = with_input(tree, silence_retries=limit)
    for silence in range(1, limit):
        step = engine.respond(limited, dataclasses.replace(MAIN, silence=silence), None,
                              jst("2026-11-24 10:00"))
        assert (step.hangup, step.gather.on_silence.silence) == (False, silence + 1)
        assert kinds(step)[0] == (E.SILENCE, {"menu": "main", "attempt": silence})
    last = engine.respond(limited, dataclasses.replace(MAIN, silence=limit), None,
                          jst("2026-11-24 10:00"))
    assert (last.hangup, last.gather) == (True, None)
    assert kinds(last) == [(E.SILENCE, {"menu": "main", "attempt": limit}),
                           (E.EMERGENCY_ADVICE, {"where": "goodbye"}),
                           (E.CALL_ENDED, {"where": "main", "reason": "no_input"})]


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_invalid_retries_n_ends_the_call_at_the_nth_wrong_key(tree, limit):
    limited = with_input(tree, invalid_retries=limit)
    place = MAIN
    for attempt in range(1, limit):
        step = press(limited, place, "9")
        assert step.hangup is False
        assert kinds(step) == [(E.INVALID_KEY, {"menu": "main", "digit": "9",
                                                "attempt": attempt})]
        silent = engine.respond(limited, step.gather.on_silence, None, jst("2026-11-24 10:00"))
        place = silent.gather.action  # a silence in between does not reset the count
    last = press(limited, place, "9")
    assert (last.hangup, last.gather) == (True, None)
    assert kinds(last) == [(E.INVALID_KEY, {"menu": "main", "digit": "9", "attempt": limit}),
                           (E.EMERGENCY_ADVICE, {"where": "goodbye"}),
                           (E.CALL_ENDED, {"where": "main", "reason": "too_many_invalid"})]
