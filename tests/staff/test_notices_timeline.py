"""A call that met a notice (or a closure of the files) says so in its timeline.

The engine's CLOSED event carries the key of what closed the service; the
call's page looks a notice up in the database ("closed by notice 1: the
office is moving"); a notice it cannot find, and a closure of the files,
show their key.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from calllog.calllog_support import Script
from conftest import AUDIO, MENUS, jst, post, twiml

from ivr.call.events import CallEvent, Kind
from ivr.live import menus as live
from ivr.menustore import notices
from ivr.phonetree import loader
from ivr.staff import timeline
from ivr.staff.names import Names

from .page import parse, texts
from .staff_support import engine, text, write

NAMES = Names(loader.load(str(MENUS), str(AUDIO)).tree)
AT = datetime(2026, 11, 24, 3, 40, tzinfo=UTC)  # 12:40 in Japan
CAUSES = {"notice.12": "notice 12: the office is moving"}


def closed(**data) -> CallEvent:
    return CallEvent("u", "CA1", "main", AT, 0, Kind.CLOSED,
                     {"service": "iom", "next_open": "2026-11-24T15:00:00+09:00", **data})


@pytest.mark.parametrize(("data", "sentence"), [
    ({"reason": "override", "cause": "notice.12"},
     "IOM Tokyo was closed by notice 12: the office is moving; opens 15:00"),
    ({"reason": "override", "cause": "notice.13"},
     "IOM Tokyo was closed: temporarily closed (notice.13); opens 15:00"),
    ({"reason": "closure", "cause": "closure.iom-holidays.1"},
     "IOM Tokyo was closed: closed on this date (closure.iom-holidays.1); opens 15:00"),
    ({"reason": "break", "cause": None}, "IOM Tokyo was closed: lunch break; opens 15:00"),
    ({"reason": "break"}, "IOM Tokyo was closed: lunch break; opens 15:00"),
])
def test_the_cause_of_a_closure_in_words(data, sentence):
    assert timeline.describe(closed(**data), NAMES, CAUSES) == sentence
    assert timeline.timeline([closed(**data)], NAMES, CAUSES)[0].text == sentence


REASON = {"en": "the office is moving", "ja": "事務所移転のため", "tl": "lumilipat ang opisina"}


def test_a_call_that_met_a_notice_shows_it_in_its_timeline(app, admin_client, clock):
    clock.now = jst("2026-11-24 10:15")
    with engine(app).begin() as connection:
        made = notices.create(connection, services=["iom"], open=False, start=clock(),
                              end=jst("2026-11-24 15:00"), reason=REASON, note="IOM phoned",
                              author="alice", now=clock())
    live.of(app).check()
    voice = app.test_client()
    twiml(post(voice, "/voice/service?h=main&l=en&t=iom&o=main"))
    assert app.extensions["calllog"].flush(timeout=20)
    page = admin_client.get("/staff/calls/CA" + "0123456789abcdef" * 2)
    assert page.status_code == 200
    assert (f"IOM Tokyo was closed by notice {made.notice.id}: the office is moving; "
            "opens 15:00") in text(page)


def test_a_notice_the_database_no_longer_has_shows_its_key(app, admin_client):
    call = Script("CA7", jst("2026-11-24 10:20")).started()
    call.add(Kind.CLOSED, service="iom", reason="override",
             next_open="2026-11-24T15:00:00+09:00", cause="notice.99")
    call.add(Kind.CLOSED, seq=1, service="iom", reason="closure",
             next_open="2026-11-25T09:00:00+09:00", cause="closure.iom-holidays.1")
    write(app, call)
    page = parse(text(admin_client.get("/staff/calls/CA7")))
    assert texts(page, ".//ol[@id='call-timeline']/li/span[@class='what']")[1:] == [
        "IOM Tokyo was closed: temporarily closed (notice.99); opens 15:00",
        "IOM Tokyo was closed: closed on this date (closure.iom-holidays.1); opens Wed 25 Nov "
        "09:00"]
