"""A step and its TwiML are worked out once per tree, request and minute (``ivr.web.answers``).

Within a minute, the same request gets the same answer, with its own turn in
its URLs; the answer changes when the minute changes (a service closes at
17:00), when a notice is published or the tree is reloaded, and for another
dialled number (a <Dial>'s caller ID).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import AUDIO, MENUS, jst, post, twiml

from ivr.call import engine
from ivr.live import menus as live
from ivr.menustore import notices
from ivr.phonetree import loader
from ivr.web.answers import Answers

IOM = "/voice/service?h=main&l=en&t=iom&o=main"


@pytest.fixture
def asked(monkeypatch):
    """The places the engine was asked about."""
    places = []
    real = engine.respond
    monkeypatch.setattr(engine, "respond", lambda tree, place, *a: places.append(place)
                        or real(tree, place, *a))
    return places


def test_the_engine_works_a_step_out_once_a_minute(make_app, clock, asked):
    client = make_app().test_client()
    answers = []
    for at, turn in (("10:15:00", 3), ("10:15:30", 7), ("10:15:59", 3)):
        clock.now = jst("2026-11-24 10:15") + timedelta(seconds=int(at[-2:]))
        answers.append(twiml(post(client, f"{IOM}&n={turn}")))
    assert len(asked) == 1
    actions = [a.find("Dial").get("action") for a in answers]
    assert actions[0].endswith("&n=4") and actions[1].endswith("&n=8")  # each its own turn
    assert actions[2] == actions[0]
    clock.now = jst("2026-11-24 10:16")
    twiml(post(client, f"{IOM}&n=3"))
    assert len(asked) == 2


def test_the_answer_changes_at_the_minute_a_service_closes(make_app, clock, asked):
    client = make_app().test_client()
    clock.now = jst("2026-11-24 16:59")
    assert twiml(post(client, IOM)).find("Dial/Number").text == "+81335952487"
    clock.now += timedelta(seconds=59.9)
    assert twiml(post(client, IOM)).find("Dial/Number").text == "+81335952487"
    clock.now = jst("2026-11-24 17:00")  # IOM closes
    closed = twiml(post(client, IOM))
    assert closed.find("Dial") is None and closed.find("Gather") is not None
    assert len(asked) == 2


def test_a_published_notice_changes_the_answer_within_the_minute(make_app, migrated_url,
                                                                  clock):
    app = make_app(DATABASE_URL=migrated_url, IVR_MENUS_SOURCE="database")
    client = app.test_client()
    clock.now = jst("2026-11-24 10:15")
    assert twiml(post(client, IOM)).find("Dial") is not None
    with app.extensions["ivr.menus_engine"]().begin() as connection:
        notices.create(connection, services=["iom"], open=False, start=clock(),
                       end=jst("2026-11-24 15:00"),
                       reason={"en": "the office is moving", "ja": "事務所移転のため",
                               "tl": "lumilipat ang opisina"},
                       note="IOM phoned", author="alice", now=clock())
    assert live.of(app).check() is True
    assert twiml(post(client, IOM)).find("Dial") is None  # same minute, new tree


def test_the_dialled_number_is_the_caller_id_of_its_own_answer(make_app, clock):
    client = make_app().test_client()
    first = twiml(post(client, IOM, To="+815000000000")).find("Dial")
    other = twiml(post(client, IOM, To="+815011112222")).find("Dial")
    sip = twiml(post(client, IOM, To="sip:hotline@example.org")).find("Dial")
    assert (first.get("callerId"), other.get("callerId"), sip.get("callerId")) == (
        "+815000000000", "+815011112222", None)


def test_a_late_request_of_the_past_minute_is_answered_but_not_kept():
    tree = loader.load(MENUS, AUDIO).tree
    answers = Answers(tree)
    step = engine.start(tree, None)
    made = []

    def work():
        made.append(1)
        return step, "main"

    now = jst("2026-11-24 10:15")
    answers.get("k", now, "", "/audio/", work)
    answers.get("k", now - timedelta(seconds=1), "", "/audio/", work)  # a slow request
    answers.get("k", now - timedelta(seconds=1), "", "/audio/", work)
    answers.get("k", now + timedelta(seconds=59), "", "/audio/", work)
    assert len(made) == 3
    assert answers.get("k", now, "", "/audio/", work).twiml(5).count("n=5") >= 1


def test_a_long_query_is_answered_but_not_kept(make_app, clock, asked):
    """Only the app's own short URLs are kept: a long, odd query cannot fill the memory."""
    client = make_app().test_client()
    odd = f"{IOM}&x={'a' * 600}"
    for _ in range(2):
        assert twiml(post(client, odd)).find("Dial/Number").text == "+81335952487"
    assert len(asked) == 2
    twiml(post(client, IOM))
    twiml(post(client, IOM))
    assert len(asked) == 3
