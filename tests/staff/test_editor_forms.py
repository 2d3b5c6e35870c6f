"""The forms for frequent changes: the exact YAML they write into the draft, their checks,
and a closure made in a form, published, heard by a caller."""

from __future__ import annotations

import difflib

import pytest
from conftest import jst, says, twiml
from conftest import post as call_post

from .editor_support import draft, form, history, latest, start
from .staff_support import text

SERVICE = "/staff/menus/forms/service/iom"
CLOSURE = "/staff/menus/forms/closure"
REASON = {"reason-en": "the office is moving", "reason-ja": "事務所移転のため",
          "reason-tl": "lumilipat ang opisina"}
NO_HOURS = {f"day-{n}": "" for n in range(7)}


@pytest.fixture
def app(staff_app, migrated_url):
    return staff_app(IVR_MENUS_SOURCE="database")


def changes(before: str, after: str) -> list[str]:
    return [line.rstrip("\n") for line in difflib.unified_diff(
        before.splitlines(True), after.splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def changed(app, path: str) -> list[str]:
    return changes(latest(app).files[path], draft(app).files[path])


def hours(**days: str) -> dict[str, str]:
    return {**NO_HOURS, **days}


def test_the_service_form_shows_the_service_as_it_is(admin_client):
    page = text(admin_client.get(SERVICE))
    for field, value in (("dial", "+81335952487"), ("number", "03-3595-2487"),
                         ("day-0", "09:00-12:30, 13:30-17:00"), ("day-5", "")):
        assert f'name="{field}" value="{value}"' in page, field
    assert 'name="revision" value="0"' in page  # no draft yet


def test_new_numbers_and_hours_start_a_draft_with_exactly_those_lines(app, admin_client):
    response = form(admin_client, SERVICE, SERVICE, revision="0", dial="+81335952400",
                    number="03-3595-2400",
                    **hours(**{"day-0": "09:00-17:00", "day-1": "09:00-17:00",
                               "day-2": "9:00-17:00", "day-3": "09:00-17:00",
                               "day-4": "13:00-15:00, 09:00-12:00"}))
    assert response.location == "/staff/menus/draft/diff"
    assert (draft(app).revision, draft(app).created_by) == (2, "alice")
    assert changed(app, "services.yaml") == [
        '-    dial: "+81335952487"', "-    number: 03-3595-2487",
        '+    dial: "+81335952400"', "+    number: 03-3595-2400",
        "-      mon-fri: [09:00-12:30, 13:30-17:00]", "+      mon-thu: 09:00-17:00",
        "+      fri: [09:00-12:00, 13:00-15:00]"]
    page = text(admin_client.get(response.location))
    assert ("Changed the numbers and hours of &#39;iom&#39; in the draft (revision 2). Review "
            "the change below, then publish it.") in page
    assert history(app)[0][0] == 1  # nothing reaches callers before an admin publishes


def test_a_service_open_always(app, admin_client):
    start(admin_client)
    form(admin_client, SERVICE, SERVICE, revision="1", dial="+81335952487",
         number="03-3595-2487", always="yes", **NO_HOURS)
    assert changed(app, "services.yaml") == [
        "-    hours:", "-      mon-fri: [09:00-12:30, 13:30-17:00]", "+    hours: always"]


@pytest.mark.parametrize(("fields", "problem"), [
    ({"dial": "+81335952487", "number": "03-3595-2487", "day-1": "9-17"},
     "Tuesday: &#39;9-17&#39; is not a range of hours written HH:MM-HH:MM, e.g. 09:00-17:00."),
    ({"dial": "+81335952487", "number": "03-3595-2487",
      "day-0": "09:00-12:00, 11:00-13:00"},
     "Monday: the ranges 09:00-12:00 and 11:00-13:00 overlap."),
    ({"dial": "+81335952487", "number": "03-3595-2487"},
     "Give the hours of at least one day, or tick &#34;open 24 hours, every day&#34;."),
    ({"dial": "", "number": "", "day-0": "09:00-17:00"},
     "Give the number the hotline dials, the number callers hear, or both."),
    ({"dial": "+81335952400", "number": "03-3595-2487", "day-0": "09:00-17:00"},
     "The number callers hear (03-3595-2487) is not the number dialled (03-3595-2400 in "
     "Japan): callers must hear the number the hotline dials."),
    ({"dial": "0570-078377", "number": "0570-078377", "day-0": "09:00-17:00"},
     "Number dialled: &#39;0570-078377&#39; is a 0570 Navi Dial number, which Twilio cannot "
     "dial: leave it empty and give it as the number callers hear."),
    ({"dial": "", "number": "3595-248", "day-0": "09:00-17:00"},
     "Number callers hear: &#39;3595-248&#39; is not a valid Japanese phone number: too few "
     "digits (write it as callers dial it in Japan, area code first, e.g. 03-3501-0110)."),
])
def test_the_service_form_says_what_is_wrong_and_changes_nothing(app, admin_client, fields,
                                                                 problem):
    response = form(admin_client, SERVICE, SERVICE, revision="0", **{**NO_HOURS, **fields})
    assert response.status_code == 400
    assert f"<li>{problem}</li>" in text(response)
    assert draft(app) is None


def test_a_closure_goes_into_the_calendar_of_the_service_alone(app, admin_client):
    response = form(admin_client, CLOSURE, CLOSURE, revision="0", service="iom",
                    first="2026-12-24", last="", **REASON)
    assert response.location == "/staff/menus/draft/diff"
    assert changed(app, "calendars.yaml") == [
        "-    closures: []", "+    closures:", "+      - date: 2026-12-24", "+        reason:",
        "+          en: the office is moving", "+          ja: 事務所移転のため",
        "+          tl: lumilipat ang opisina"]
    assert draft(app).files["services.yaml"] == latest(app).files["services.yaml"]


def test_a_service_without_a_calendar_of_its_own_gets_one(app, admin_client):
    form(admin_client, CLOSURE, CLOSURE, revision="0", service="police",
         first="2026-12-30", last="2027-01-02", **REASON)
    assert changed(app, "calendars.yaml") == [
        "+", "+  police-closures:", "+    closures:", "+      - from: 2026-12-30",
        "+        to: 2027-01-02", "+        reason:", "+          en: the office is moving",
        "+          ja: 事務所移転のため", "+          tl: lumilipat ang opisina"]
    assert changed(app, "services.yaml") == ["+    closed_on: [police-closures]"]


@pytest.mark.parametrize(("fields", "problem"), [
    ({"reason-tl": " "}, "Give the reason in Tagalog (tl): callers who chose Tagalog hear it."),
    ({"first": "2026-11-20"},
     "The closure ends before today (2026-11-24): a closure is for days to come."),
    ({"first": "2026-12-24", "last": "2026-12-20"},
     "The last day (2026-12-20) is before the first (2026-12-24)."),
    ({"first": "24/12/2026"}, "First day: &#39;24/12/2026&#39; is not a date written "
     "YYYY-MM-DD, e.g. 2026-12-25."),
    ({"service": "iomm"}, "Choose the service that closes."),
])
def test_the_closure_form_says_what_is_wrong_and_changes_nothing(app, admin_client, fields,
                                                                 problem):
    values = {"service": "iom", "first": "2026-12-24", "last": "", **REASON, **fields}
    response = form(admin_client, CLOSURE, CLOSURE, revision="0", **values)
    assert response.status_code == 400
    assert f"<li>{problem}</li>" in text(response)
    assert draft(app) is None


def test_a_form_on_a_stale_draft_is_refused_and_keeps_the_inputs(app, admin_client):
    start(admin_client)
    form(admin_client, CLOSURE, CLOSURE, revision="1", service="iom", first="2026-12-24",
         **REASON)
    refused = form(admin_client, CLOSURE, CLOSURE, revision="1", service="iom",
                   first="2026-12-25", **REASON)
    assert refused.status_code == 409
    page = text(refused)
    assert ("alice saved the draft at 2026-11-24 01:00 UTC after you opened it (revision 2): "
            "your change was not saved") in page
    assert 'name="first" value="2026-12-25"' in page
    assert "2026-12-25" not in draft(app).files["calendars.yaml"]


def test_a_closure_made_in_the_form_and_published_is_heard_by_callers(app, admin_client,
                                                                       clock):
    form(admin_client, CLOSURE, CLOSURE, revision="0", service="iom", first="2026-12-24",
         **REASON)
    published = form(admin_client, "/staff/menus/publish", "/staff/menus/publish",
                     revision="2", note="IOM closed on Dec 24")
    assert published.status_code == 302
    clock.now = jst("2026-12-24 10:15")  # a Thursday morning
    answer = twiml(call_post(app.test_client(), "/voice/service?h=main&l=tl&t=iom&o=main"))
    assert answer.find("Dial") is None
    assert says(answer)[1] == ("fil-PH", "Sarado ito ngayon: lumilipat ang opisina.")
