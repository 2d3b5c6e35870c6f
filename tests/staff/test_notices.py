"""The notices pages: admins close or open services for a while; calls follow at once.

Viewers see the notices; admins create and withdraw them. A saved notice is
stored as the menus store keeps it (exact row, audited), routes this app's
calls at once and another instance's at its next look; it stops when
withdrawn or when the clock passes its end.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from conftest import jst, post, says, twiml

from ivr.live import menus as live
from ivr.menustore.schema import audit_log, notices

from .page import by_id, parse, texts, words
from .staff_support import PASSWORD, add_user, engine, log_in, text, token

IOM = "/voice/service?h=main&l=en&t=iom&o=main"
IOM_NUMBER = "+81335952487"
REASONS = {"en": "the office is moving", "ja": "事務所移転のため", "tl": "lumilipat ang opisina"}
CLOSE_IOM = {"service": "iom", "effect": "closed", "start": "2026-11-24T10:00", "until": "at",
             "end": "2026-11-24T15:00", "note": "IOM phoned at 8",
             **{f"reason-{code}": reason for code, reason in REASONS.items()}}


def utc(japan: str) -> datetime:
    """A Japan time as the database keeps it: naive UTC."""
    return jst(japan).astimezone(UTC).replace(tzinfo=None)


def create(client, **form):
    data = {"csrf_token": token(client, "/staff/notices"), **form}
    return client.post("/staff/notices", data=data)


def withdraw(client, number: int):
    url = f"/staff/notices/{number}/withdraw"
    return client.post(url, data={"csrf_token": token(client, "/staff/notices")})


def rows(app) -> list[tuple]:
    with engine(app).connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(notices.c.id, notices.c.services, notices.c.open, notices.c.starts_at,
                      notices.c.ends_at, notices.c.reason, notices.c.note, notices.c.author,
                      notices.c.created_at, notices.c.withdrawn_at, notices.c.withdrawn_by)
            .order_by(notices.c.id))]


def audit(app) -> list[tuple]:
    with engine(app).connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(audit_log.c.actor, audit_log.c.action, audit_log.c.target)
            .order_by(audit_log.c.id))]


def heard(app) -> list[str]:
    return [words for _, words in says(twiml(post(app.test_client(), IOM)))]


def dialled(app) -> str | None:
    number = twiml(post(app.test_client(), IOM)).find("Dial/Number")
    return None if number is None else number.text


def flashes(client) -> list[str]:
    return texts(parse(text(client.get("/staff/notices"))), ".//p[@class='flash flash-info']")


def test_an_admin_closes_iom_and_calls_hear_why_at_once(app, admin_client, clock):
    clock.now = jst("2026-11-24 10:15")
    assert dialled(app) == IOM_NUMBER
    response = create(admin_client, **CLOSE_IOM)
    assert (response.status_code, response.headers["Location"]) == (302, "/staff/notices")
    assert rows(app) == [(1, ["iom"], False, utc("2026-11-24 10:00"), utc("2026-11-24 15:00"),
                          REASONS, "IOM phoned at 8", "alice", utc("2026-11-24 10:15"), None,
                          None)]
    assert audit(app) == [("alice", "notice.create", "notice 1")]
    assert flashes(admin_client) == [
        "Notice 1 saved: IOM Tokyo closed from 2026-11-24 10:00 until 2026-11-24 15:00 (Japan "
        "time). This server routes calls by it now; other servers and workers only when they "
        "restart (IVR_MENU_RELOAD_SECONDS is 0)."]
    assert heard(app)[:3] == ["IOM Tokyo is closed now.",
                              "It is closed for now: the office is moving.",
                              "It opens again today at 15:00."]
    assert dialled(app) is None


def test_the_message_says_when_the_other_workers_follow(staff_app, clock):
    app = staff_app(IVR_MENU_RELOAD_SECONDS=5)
    add_user(app, "alice", "admin")
    client = app.test_client()
    log_in(client, "alice", PASSWORD)
    clock.now = jst("2026-11-24 10:15")
    create(client, **CLOSE_IOM)
    assert flashes(client)[0].endswith("This server routes calls by it now; every other "
                                       "server and worker follows within 5 seconds.")


@pytest.mark.parametrize(("until", "end"), [
    ("day-end", "2026-11-25 00:00"),
    ("next-morning", "2026-11-25 09:00"),
])
def test_the_quick_ends_count_from_the_day_it_starts(app, admin_client, clock, until, end):
    clock.now = jst("2026-11-24 10:15")
    form = {**CLOSE_IOM, "start": "", "until": until, "end": "2026-11-30T10:00"}
    assert create(admin_client, **form).status_code == 302
    assert [row[3:5] for row in rows(app)] == [(utc("2026-11-24 10:15"), utc(end))]


def test_a_typhoon_closes_every_service_and_an_open_notice_needs_no_reason(
        app, admin_client, clock):
    clock.now = jst("2026-11-24 10:15")
    typhoon = {"every": "1", "effect": "closed", "until": "at", "end": "2026-11-24T15:00",
               "reason-en": "a typhoon", "reason-ja": "台風のため", "reason-tl": "may bagyo"}
    saturday = {"service": ["police-consultation", "houterasu"], "effect": "open",
                "start": "2026-11-28T10:00", "until": "at", "end": "2026-11-28T16:00"}
    assert create(admin_client, **typhoon).status_code == 302
    assert create(admin_client, **saturday).status_code == 302
    assert [row[1:3] + row[5:6] for row in rows(app)] == [
        ([], False, {"en": "a typhoon", "ja": "台風のため", "tl": "may bagyo"}),
        (["police-consultation", "houterasu"], True, {})]
    assert heard(app)[1] == "It is closed for now: a typhoon."
    clock.now = jst("2026-11-28 11:00")  # a Saturday: the consultation line is open
    menu = twiml(post(app.test_client(), "/voice/service?h=main&l=en&t=police-consultation&o=main"))
    assert menu.find("Dial/Number").text == "+81335038484"


@pytest.mark.parametrize(("changes", "problems"), [
    ({"service": []}, ["Choose the services the notice applies to, or all services."]),
    ({"every": "1"}, ["Choose either all services or some of them, not both."]),
    ({"service": ["iom", "iomm"]},
     ["There is no service 'iomm' in the menus: choose from the list."]),
    ({"effect": ""}, ["Choose whether the notice closes or opens the services."]),
    ({"start": "tomorrow"}, ["The start 'tomorrow' is not a date and time: use the picker, or "
                             "write it as 2026-11-24T09:00 (Japan time)."]),
    ({"end": ""}, ["Choose when the notice ends: a notice always ends by itself."]),
    ({"end": "2026-11-24 3pm"}, ["The end '2026-11-24 3pm' is not a date and time: use the "
                                 "picker, or write it as 2026-11-24T15:00 (Japan time)."]),
    ({"end": "2026-11-24T09:00"}, ["The notice must end after it starts."]),
    ({"start": "2026-11-24T08:00", "end": "2026-11-24T10:00"},
     ["The end (2026-11-24 10:00) is already past: the notice would never apply. Choose a "
      "later end."]),
    ({"end": "2027-12-24T10:00"},
     ["A notice lasts at most a year: for a lasting change, edit the menus."]),
    ({"until": "someday"}, ["Choose when the notice ends."]),
    ({"reason-ja": " ", "reason-tl": ""},
     ["Write the reason callers hear in 日本語 (ja).",
      "Write the reason callers hear in Tagalog (tl)."]),
    ({"reason-en": "x" * 301},
     ["The reason in English (en) is too long (301 characters): at most 300."]),
    ({"note": "n" * 1001}, ["The note for staff is too long (1001 characters): at most 1000."]),
    ({"service": [], "end": "", "reason-en": ""},
     ["Choose the services the notice applies to, or all services.",
      "Choose when the notice ends: a notice always ends by itself.",
      "Write the reason callers hear in English (en)."]),
])
def test_clear_problems_and_nothing_stored(app, admin_client, clock, changes, problems):
    clock.now = jst("2026-11-24 10:15")
    response = create(admin_client, **{**CLOSE_IOM, **changes})
    assert response.status_code == 400
    page = parse(text(response))
    assert texts(by_id(page, "notice-problems"), ".//li") == problems
    assert rows(app) == [] and audit(app) == []
    form = by_id(page, "notice-form")  # what was typed is kept
    assert form.find(".//input[@id='reason-ja']").get("value") == \
        changes.get("reason-ja", REASONS["ja"]).strip()
    assert form.find(".//textarea[@id='notice-note']").text == changes.get("note",
                                                                            "IOM phoned at 8")


def test_viewers_see_the_notices_but_cannot_change_them(app, viewer_client, clock):
    clock.now = jst("2026-11-24 10:15")
    add_user(app, "alice", "admin")
    admin = app.test_client()
    log_in(admin, "alice", PASSWORD)
    create(admin, **CLOSE_IOM)
    page = parse(text(viewer_client.get("/staff/notices")))
    assert page.find(".//form[@id='notice-form']") is None
    assert texts(page, ".//article//h3") == ["Notice 1: IOM Tokyo closed"]
    assert page.find(".//*[@id='withdraw-1']") is None
    assert create(viewer_client, **CLOSE_IOM).status_code == 403
    assert viewer_client.get("/staff/notices/1/withdraw").status_code == 403
    assert withdraw(viewer_client, 1).status_code == 403
    assert [row[9] for row in rows(app)] == [None] and len(rows(app)) == 1


def test_forms_need_their_csrf_token(app, admin_client, clock):
    assert admin_client.post("/staff/notices", data=CLOSE_IOM).status_code == 400
    assert rows(app) == []


def test_the_list_in_force_to_come_and_ended(app, admin_client, clock):
    clock.now = jst("2026-11-20 09:00")
    create(admin_client, **{**CLOSE_IOM, "start": "2026-11-20T09:00", "end": "2026-11-20T12:00"})
    create(admin_client, **{**CLOSE_IOM, "start": "2026-11-24T09:00"})
    create(admin_client, **{**CLOSE_IOM, "start": "2026-11-24T13:00", "end": "2026-11-25T10:00",
                            "service": ["iom", "fresc"], "note": ""})
    create(admin_client, **{**CLOSE_IOM, "start": "2026-11-24T09:00"})
    clock.now = jst("2026-11-24 09:30")
    withdraw(admin_client, 4)
    clock.now = jst("2026-11-24 10:00")
    page = parse(text(admin_client.get("/staff/notices")))
    sections = {state: texts(by_id(page, f"notices-{state}"), ".//article//h3")
                for state in ("in-force", "to-come", "ended")}
    assert sections == {"in-force": ["Notice 2: IOM Tokyo closed"],
                        "to-come": ["Notice 3: IOM Tokyo, Foreign Residents Support Center "
                                    "closed"],
                        "ended": ["Notice 4: IOM Tokyo closed", "Notice 1: IOM Tokyo closed"]}
    two = by_id(page, "notice-2")
    assert words(two.find(".//p[@class='notice-state']")) == "In force until Tue 2026-11-24 15:00"
    assert texts(two, ".//dd")[:4] == ["IOM Tokyo", "Closed", "Tue 2026-11-24 09:00",
                                       "Tue 2026-11-24 15:00"]
    assert two.find(".//dd[@class='notice-end']/time").get("datetime") == \
        "2026-11-24T06:00:00+00:00"
    assert texts(two, ".//ul[@class='notice-reasons']/li") == [
        "English (en): the office is moving", "日本語 (ja): 事務所移転のため",
        "Tagalog (tl): lumilipat ang opisina"]
    assert words(two.find(".//dd[@class='notice-author']")) == "alice, Fri 2026-11-20 09:00"
    assert words(by_id(page, "notice-3").find(".//p[@class='notice-state']")) == \
        "Starts Tue 2026-11-24 13:00"
    assert words(by_id(page, "notice-4").find(".//p[@class='notice-state']")) == \
        "Withdrawn Tue 2026-11-24 09:30 by alice"
    assert words(by_id(page, "notice-1").find(".//p[@class='notice-state']")) == \
        "Ended Fri 2026-11-20 12:00"
    assert [a.get("id") for a in page.iterfind(".//a[@class='button-link button-danger']")] == [
        "withdraw-2", "withdraw-3"]


def test_withdrawing_asks_first_then_ends_the_notice(app, admin_client, clock):
    clock.now = jst("2026-11-24 10:15")
    create(admin_client, **CLOSE_IOM)
    question = parse(text(admin_client.get("/staff/notices/1/withdraw")))
    assert words(by_id(question, "withdraw-question")).startswith(
        "IOM Tokyo closed from 2026-11-24 10:00 until 2026-11-24 15:00 (Japan time). Once "
        "withdrawn")
    assert rows(app)[0][9] is None  # asking changes nothing
    clock.now = jst("2026-11-24 11:00")
    response = withdraw(admin_client, 1)
    assert (response.status_code, response.headers["Location"]) == (302, "/staff/notices")
    assert rows(app)[0][9:] == (utc("2026-11-24 11:00"), "alice")
    assert audit(app) == [("alice", "notice.create", "notice 1"),
                          ("alice", "notice.withdraw", "notice 1")]
    assert dialled(app) == IOM_NUMBER
    again = withdraw(admin_client, 1)
    assert again.status_code == 302
    page = parse(text(admin_client.get("/staff/notices")))
    assert texts(page, ".//p[@class='flash flash-error']") == [
        "Notice 1 has been withdrawn already: there is nothing to withdraw."]
    assert len(audit(app)) == 2
    assert admin_client.get("/staff/notices/9/withdraw").status_code == 404
    assert withdraw(admin_client, 9).status_code == 404


@pytest.mark.parametrize("source", ["folder", "database"])
def test_a_notice_reaches_a_second_instance_and_stops_when_withdrawn_or_over(
        staff_app, clock, tmp_path, source):
    one = staff_app(IVR_MENUS_SOURCE=source, INSTANCE_PATH=str(tmp_path / "one"))
    two = staff_app(IVR_MENUS_SOURCE=source, INSTANCE_PATH=str(tmp_path / "two"))
    add_user(one, "alice", "admin")
    client = one.test_client()
    log_in(client, "alice", PASSWORD)
    clock.now = jst("2026-11-24 10:15")
    assert dialled(two) == IOM_NUMBER
    create(client, **CLOSE_IOM)
    assert dialled(two) == IOM_NUMBER  # until its next look
    assert live.of(two).check() is True
    assert heard(two)[1] == "It is closed for now: the office is moving."
    withdraw(client, 1)
    assert live.of(two).check() is True
    assert dialled(two) == IOM_NUMBER
    create(client, **{**CLOSE_IOM, "end": "2026-11-24T11:00"})
    live.of(two).check()
    assert dialled(two) is None
    clock.now = jst("2026-11-24 11:00")  # it expires by itself, with no look needed
    assert dialled(two) == IOM_NUMBER


def test_the_dashboard_lists_the_notices_in_force_and_to_come(app, admin_client, clock):
    clock.now = jst("2026-11-20 09:00")
    create(admin_client, **{**CLOSE_IOM, "start": "2026-11-20T09:00", "end": "2026-11-20T12:00"})
    create(admin_client, **{**CLOSE_IOM, "start": "2026-11-24T09:00"})
    create(admin_client, **{**CLOSE_IOM, "start": "2026-11-25T09:00", "end": "2026-11-25T12:00",
                            "every": "1", "service": []})
    clock.now = jst("2026-11-24 10:00")
    page = parse(text(admin_client.get("/staff")))
    section = by_id(page, "dashboard-notices")
    assert texts(section, ".//li") == [
        "Notice 2: IOM Tokyo closed (the office is moving). In force until Tue 2026-11-24 "
        "15:00.",
        "Notice 3: All services closed (the office is moving). Starts Wed 2026-11-25 09:00."]
    assert section.find(".//li/a").get("href") == "/staff/notices#notice-2"
    assert by_id(page, "dashboard-notices-all").get("href") == "/staff/notices"


def test_the_form_names_each_language_and_what_callers_hear(app, admin_client, clock):
    clock.now = jst("2026-11-24 10:15")
    page = parse(text(admin_client.get("/staff/notices")))
    form = by_id(page, "notice-form")
    assert [(label.get("for"), words(label)) for label in form.iterfind(
        ".//fieldset[@id='notice-reasons']//label")] == [
        ("reason-en", "English (en)"), ("reason-ja", "日本語 (ja)"), ("reason-tl", "Tagalog (tl)")]
    assert words(by_id(page, "reason-en-hint")) == "Callers hear: It is closed for now: [reason]."
    assert [box.get("value") for box in form.iterfind(".//input[@name='service']")] == [
        "police", "police-consultation", "houterasu", "iom", "human-rights", "fresc"]
    assert by_id(page, "notice-start").get("value") == "2026-11-24T10:15"
    assert by_id(page, "until-at").get("checked") == ""
