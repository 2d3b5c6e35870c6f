"""The staff forms' YAML edits: exact lines changed, comments and layout kept, still loading."""

from __future__ import annotations

import difflib
from datetime import date

import pytest
from conftest import MENUS

from ivr.phonetree import loader
from ivr.phonetree.bundle import Bundle
from ivr.phonetree.tree import frozen_map
from ivr.staff import yamledit
from ivr.staff.yamledit import EditError

FILES = {p.relative_to(MENUS).as_posix(): p.read_text(encoding="utf-8")
         for p in MENUS.rglob("*.yaml")}
SERVICES, CALENDARS, EN = FILES["services.yaml"], FILES["calendars.yaml"], \
    FILES["languages/en.yaml"]
REASON = {"en": "the office is moving", "ja": "事務所移転のため", "tl": "lumilipat ang opisina"}


def changes(before: str, after: str) -> list[str]:
    """The changed lines, as '-old' and '+new' (no context)."""
    return [line.rstrip("\n") for line in difflib.unified_diff(
        before.splitlines(True), after.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith("#")]


def loads(**changed: str) -> loader.Result:
    return loader.load_bundle(Bundle("menus", frozen_map({**FILES, **changed})))


def test_new_numbers_change_exactly_their_two_lines():
    edited = yamledit.set_numbers(SERVICES, "iom", "+81335952400", "03-3595-2400")
    assert changes(SERVICES, edited) == [
        '-    dial: "+81335952487"', "-    number: 03-3595-2487",
        '+    dial: "+81335952400"', "+    number: 03-3595-2400"]
    assert loads(**{"services.yaml": edited}).tree.services["iom"].dial == "+81335952400"


def test_a_service_told_only_gets_a_dial_line_before_its_number():
    edited = yamledit.set_numbers(SERVICES, "human-rights", "+81335811111", "03-3581-1111")
    assert changes(SERVICES, edited) == ["-    number: 0570-090911", '+    dial: "+81335811111"',
                                         "+    number: 03-3581-1111"]
    assert comments(edited) == comments(SERVICES)
    loads(**{"services.yaml": edited})


def test_removing_the_dial_line_keeps_the_number():
    edited = yamledit.set_numbers(SERVICES, "fresc", None, "03-5363-3013")
    assert changes(SERVICES, edited) == ['-    dial: "+81353633013"']
    assert loads(**{"services.yaml": edited}).tree.services["fresc"].dial is None


def test_hours_are_written_per_run_of_equal_days():
    days = [["09:00-17:00"]] * 4 + [["09:00-12:00", "13:00-15:00"], [], ["10:00-12:00"]]
    edited = yamledit.set_hours(SERVICES, "iom", days)
    assert changes(SERVICES, edited) == [
        "-      mon-fri: [09:00-12:30, 13:30-17:00]", "+      mon-thu: 09:00-17:00",
        "+      fri: [09:00-12:00, 13:00-15:00]", "+      sun: 10:00-12:00"]
    weekly = loads(**{"services.yaml": edited}).tree.services["iom"].schedule.weekly
    assert [len(spans) for spans in weekly.days] == [1, 1, 1, 1, 2, 0, 1]
    assert comments(edited) == comments(SERVICES)


def test_always_open_and_back():
    weekdays = yamledit.set_hours(SERVICES, "police", [["08:30-17:15"]] * 5 + [[], []])
    assert changes(SERVICES, weekdays) == ["-    hours: always", "+    hours:",
                                           "+      mon-fri: 08:30-17:15"]
    assert yamledit.set_hours(weekdays, "police", yamledit.ALWAYS) == SERVICES


def test_a_closure_goes_into_an_empty_flow_list_in_date_order():
    once = yamledit.add_closure(CALENDARS, "iom-holidays", date(2026, 12, 24),
                                date(2026, 12, 24), REASON)
    twice = yamledit.add_closure(once, "iom-holidays", date(2026, 12, 1), date(2026, 12, 2),
                                 {**REASON, "en": "moving: every office"})
    assert changes(CALENDARS, twice) == [
        "-    closures: []",
        "+    closures:",
        "+      - from: 2026-12-01",
        "+        to: 2026-12-02",
        "+        reason:",
        "+          en: 'moving: every office'",
        "+          ja: 事務所移転のため",
        "+          tl: lumilipat ang opisina",
        "+      - date: 2026-12-24",
        "+        reason:",
        "+          en: the office is moving",
        "+          ja: 事務所移転のため",
        "+          tl: lumilipat ang opisina"]
    assert comments(twice) == comments(CALENDARS)
    closures = loads(**{"calendars.yaml": twice}).tree.services["iom"].schedule.calendars[2]
    assert [(c.first, c.last, c.label["en"]) for c in closures.closures] == [
        (date(2026, 12, 1), date(2026, 12, 2), "moving: every office"),
        (date(2026, 12, 24), date(2026, 12, 24), "the office is moving")]


def test_a_new_calendar_and_the_service_closing_on_it():
    calendars = yamledit.add_closure(yamledit.add_calendar(CALENDARS, "police-closures"),
                                     "police-closures", date(2026, 12, 24),
                                     date(2026, 12, 24), REASON)
    services = yamledit.add_closed_on(SERVICES, "police", "police-closures")
    assert changes(CALENDARS, calendars) == [
        "+", "+  police-closures:", "+    closures:", "+      - date: 2026-12-24",
        "+        reason:", "+          en: the office is moving",
        "+          ja: 事務所移転のため", "+          tl: lumilipat ang opisina"]
    assert changes(SERVICES, services) == ["+    closed_on: [police-closures]"]
    iom = yamledit.add_closed_on(SERVICES, "iom", "iom-closures")
    assert changes(SERVICES, iom) == [
        "-    closed_on: [japan-holidays, year-end, iom-holidays]",
        "+    closed_on: [japan-holidays, year-end, iom-holidays, iom-closures]"]
    police = loads(**{"calendars.yaml": calendars, "services.yaml": services}) \
        .tree.services["police"]
    assert [c.id for c in police.schedule.calendars] == ["police-closures"]


def test_untouched_lines_keep_a_layout_ruamel_would_rewrite():
    """en.yaml wraps its list of months over two lines; ruamel writes it on one."""
    edited = yamledit.edit(EN, lambda data: data["languages"]["en"].__setitem__("name",
                                                                                 "Englisch"))
    assert changes(EN, edited) == ["-    name: English", "+    name: Englisch"]


def test_a_new_language_file_is_a_copy_to_translate():
    copied = yamledit.copy_language(EN, "en", "vi")
    assert changes(EN, copied) == ["-  en:", "+  vi:"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: yamledit.set_numbers(SERVICES, "iomm", "+81335952487", None),
     "'iomm' is not defined under 'services' in this file"),
    (lambda: yamledit.add_calendar(CALENDARS, "year-end"),
     "the calendar 'year-end' exists already"),
    (lambda: yamledit.add_calendar(SERVICES, "x"), "this file has no 'calendars' section"),
    (lambda: yamledit.set_hours("services: [\n", "iom", yamledit.ALWAYS),
     "the file is not valid YAML (ParserError): fix it in the editor first"),
])
def test_edits_that_cannot_be_made_say_why(call, message):
    with pytest.raises(EditError) as error:
        call()
    assert str(error.value) == message


def test_locate_finds_the_file_of_an_entry():
    assert yamledit.locate(FILES, "services", "iom") == "services.yaml"
    assert yamledit.locate(FILES, "calendars", "year-end") == "calendars.yaml"
    assert yamledit.locate({**FILES, "services.yaml": "services: [\n"}, "services",
                           "iom") is None
