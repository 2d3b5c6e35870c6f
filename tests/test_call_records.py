"""Calls driven through the real webhooks write exactly the expected log rows.

On SQLite and PostgreSQL: one call record and its ordered events; the status
callback twice leaves one record; the database made unavailable in the
middle of a call neither drops the caller nor loses an event.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from conftest import SID, jst, post, twiml

from ivr.call.events import Kind as E
from ivr.calllog import store

CALLER = "+819012345678"


def flushed(app):
    log = app.extensions["calllog"]
    assert log.flush(timeout=20)
    with log.engine.connect() as connection:
        call = store.get_call(connection, SID)
        events = store.events_of(connection, call.id) if call else []
    return call, [(e.kind, dict(e.data)) for e in events]


def connected_call(client, clock):
    """English, IOM (open on Tuesday 10:00), connected for 5 minutes, then hung up."""
    clock.now = jst("2026-11-24 10:00")
    twiml(post(client, "/voice"))
    clock.now += timedelta(seconds=20)
    twiml(post(client, "/voice/language?h=main&t=language", Digits="1"))
    clock.now += timedelta(seconds=20)
    twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="4"))
    clock.now = jst("2026-11-24 10:07")
    twiml(post(client, "/voice/dialled?h=main&l=en&t=iom&o=main", DialCallStatus="completed",
               DialCallDuration="300"))
    clock.now += timedelta(seconds=1)
    twiml(post(client, "/voice/status", CallStatus="completed", CallDuration="420"))


EXPECTED_EVENTS = [
    (E.CALL_STARTED, {"hotline": "main", "to": "+815000000000", "caller_masked": "+81 90-****-**78",
                      "caller_hash": hmac.new(b"test-key", CALLER.encode(),
                                              hashlib.sha256).hexdigest()}),
    (E.EMERGENCY_ADVICE, {"where": "greeting"}),
    (E.MENU_ENTERED, {"menu": "language"}),
    (E.KEY_PRESSED, {"menu": "language", "digit": "1"}),
    (E.LANGUAGE_CHOSEN, {"language": "en"}),
    (E.MENU_ENTERED, {"menu": "main"}),
    (E.KEY_PRESSED, {"menu": "main", "digit": "4"}),
    (E.SERVICE_CHOSEN, {"service": "iom", "menu": "main"}),
    (E.DIAL_STARTED, {"service": "iom", "number": "+81335952487"}),
    (E.DIAL_RESULT, {"service": "iom", "dial_status": "completed", "dial_duration": 300}),
    (E.CALL_ENDED, {"where": "dialled:iom", "reason": "dialled"}),
    (E.CALL_STATUS, {"status": "completed", "duration": 420}),
]


def test_a_full_call_writes_exactly_its_record_and_events(make_app, clock, migrated_url):
    app = make_app(DATABASE_URL=migrated_url)
    connected_call(app.test_client(), clock)
    call, events = flushed(app)
    digest = hmac.new(b"test-key", CALLER.encode(), hashlib.sha256).hexdigest()
    assert (call.call_sid, call.hotline, call.language, call.service, call.outcome,
            call.outcome_menu, call.status, call.duration, call.hit_closed) == (
        SID, "main", "en", "iom", "connected", None, "completed", 420, False)
    assert call.started_at == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert call.ended_at == datetime(2026, 11, 24, 1, 7, 1, tzinfo=UTC)
    assert (call.caller_masked, call.caller_number) == ("+81 90-****-**78", None)
    assert call.caller_hash == digest
    assert events == EXPECTED_EVENTS


def test_the_status_callback_twice_and_early_leaves_one_record(make_app, clock, migrated_url):
    app = make_app(DATABASE_URL=migrated_url)
    client = app.test_client()
    twiml(post(client, "/voice/status", CallStatus="completed", CallDuration="420"))
    connected_call(client, clock)
    twiml(post(client, "/voice/status", CallStatus="completed", CallDuration="420"))
    call, events = flushed(app)
    assert (call.status, call.duration, call.outcome) == ("completed", 420, "connected")
    assert [kind for kind, _ in events].count(E.CALL_STATUS) == 1
    assert events == [EXPECTED_EVENTS[-1], *EXPECTED_EVENTS[:-1]]


def test_a_closed_service_is_logged_with_its_reason(make_app, clock, migrated_url):
    app = make_app(DATABASE_URL=migrated_url)
    client = app.test_client()
    clock.now = jst("2026-11-24 12:45")
    for url, digits in (("/voice", None), ("/voice/language?h=main&t=language", "1"),
                        ("/voice/menu?h=main&l=en&t=main", "4"),
                        ("/voice/offer?h=main&l=en&t=iom&o=main&w=closed&a=police", "2")):
        twiml(post(client, url, **({"Digits": digits} if digits else {})))
        clock.now += timedelta(seconds=15)
    twiml(post(client, "/voice/status", CallStatus="completed", CallDuration="75"))
    call, events = flushed(app)
    assert (call.outcome, call.hit_closed, call.service) == ("told_number", True, "iom")
    assert (E.CLOSED, {"service": "iom", "reason": "break",
                       "next_open": "2026-11-24T13:30:00+09:00", "cause": None}) in events
    assert events[-2] == (E.NUMBER_TOLD, {"service": "iom"})


def test_a_database_outage_mid_call_loses_neither_the_caller_nor_an_event(
        make_app, clock, outage):
    app = make_app(DATABASE_URL=outage.url)
    client = app.test_client()
    clock.now = jst("2026-11-24 10:00")
    twiml(post(client, "/voice"))
    assert app.extensions["calllog"].flush(timeout=20)
    outage.block()
    try:
        clock.now += timedelta(seconds=20)
        twiml(post(client, "/voice/language?h=main&t=language", Digits="1"))
        clock.now += timedelta(seconds=20)
        dial = twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="4")).find("Dial")
        assert dial.find("Number").text == "+81335952487"  # the caller is routed as usual
        clock.now = jst("2026-11-24 10:07")
        twiml(post(client, "/voice/dialled?h=main&l=en&t=iom&o=main",
                   DialCallStatus="completed", DialCallDuration="300"))
        clock.now += timedelta(seconds=1)
        twiml(post(client, "/voice/status", CallStatus="completed", CallDuration="420"))
        assert not app.extensions["calllog"].flush(timeout=1)  # still waiting in the spool
    finally:
        outage.unblock()
    call, events = flushed(app)
    assert events == EXPECTED_EVENTS
    assert (call.outcome, call.duration) == ("connected", 420)


def test_the_fallback_logs_the_failed_url_without_its_query_or_credentials(
        make_app, clock, migrated_url):
    """A GET webhook's query holds the caller's number; a URL may hold basic-auth credentials."""
    app = make_app(DATABASE_URL=migrated_url)
    failed = ("https://twilio:secret@ivr.example.org/voice/menu?h=main&l=en&t=main"
              "&CallSid=" + SID + "&From=%2B819012345678#e=tokyo")
    twiml(post(app.test_client(), "/voice/fallback", ErrorCode="11200", ErrorUrl=failed))
    call, events = flushed(app)
    assert events == [(E.FALLBACK_USED, {"error_code": "11200",
                                         "error_url": "https://ivr.example.org/voice/menu"})]
    assert call.call_sid == SID


def test_a_call_answered_by_the_apps_own_fallback_is_in_the_log(make_app, clock, tmp_path,
                                                                migrated_url):
    """No menus passed the checks and none were kept: the caller hears the fallback, and the
    call log still has the call, and why, rather than nothing."""
    (tmp_path / "no-menus").mkdir()
    app = make_app(DATABASE_URL=migrated_url, IVR_MENUS_DIR=str(tmp_path / "no-menus"))
    client = app.test_client()
    clock.now = jst("2026-11-24 10:00")
    first = post(client, "/voice")
    second = post(client, "/voice/menu?h=main&l=en&t=main&n=2", Digits="4")
    for answer in (first, second):
        assert answer.headers["X-IVR-Tree"] == "none"
        assert [verb.tag for verb in twiml(answer)][:4] == ["Say", "Say", "Say", "Dial"]
    call, events = flushed(app)
    assert events == [
        (E.CALL_STARTED, {"hotline": None, "to": "+815000000000",
                          "caller_masked": "+81 90-****-**78",
                          "caller_hash": hmac.new(b"test-key", CALLER.encode(),
                                                  hashlib.sha256).hexdigest()}),
        (E.FALLBACK_USED, {"reason": "no_menus"}),
        (E.FALLBACK_USED, {"reason": "no_menus"}),
    ]
    assert call.call_sid == SID


def test_a_step_that_fails_logs_the_fallback_after_its_own_events(make_app, clock,
                                                                  migrated_url, monkeypatch):
    app = make_app(DATABASE_URL=migrated_url)
    client = app.test_client()
    clock.now = jst("2026-11-24 10:00")
    twiml(post(client, "/voice"))

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a step")

    monkeypatch.setattr("ivr.call.engine.respond", broken)
    answer = post(client, "/voice/language?h=main&t=language&n=1", Digits="1")
    assert answer.status_code == 200
    assert [verb.tag for verb in twiml(answer)][:4] == ["Say", "Say", "Say", "Dial"]
    _, events = flushed(app)
    assert [kind for kind, _ in events][-2:] == [E.MENU_ENTERED, E.FALLBACK_USED]
    assert events[-1] == (E.FALLBACK_USED, {"reason": "error"})
