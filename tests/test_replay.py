"""A webhook replayed or retried adds nothing to the call log; a genuine repeat always counts.

Requests are signed as Twilio signs them and follow the URLs the app answered
with, as Twilio does. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from conftest import SID, jst, twiml
from twilio.request_validator import RequestValidator

from ivr.call.events import Kind as E
from ivr.calllog import store
from ivr.calllog.schema import calls
from ivr.web import simulator

TOKEN = "replay-test-token-0123456789"
FORM = {"CallSid": SID, "From": "+819012345678", "To": "+815000000000"}


@pytest.fixture
def app(make_app, clock, migrated_url):
    clock.now = jst("2026-11-24 10:00")  # a Tuesday morning, IOM open
    return make_app(DATABASE_URL=migrated_url, TWILIO_AUTH_TOKEN=TOKEN, IVR_ALLOW_UNSIGNED=False)


class Twilio:
    """Sends signed webhooks of one call, a few seconds apart, and follows the answers."""

    def __init__(self, app, clock) -> None:
        self.client, self.clock = app.test_client(), clock

    def send(self, url: str, headers: dict[str, str] | None = None, **params: str):
        self.clock.now += timedelta(seconds=5)
        form = {**FORM, **params}
        signature = RequestValidator(TOKEN).compute_signature("http://localhost" + url, form)
        return twiml(self.client.post(url, data=form,
                                      headers={"X-Twilio-Signature": signature, **(headers or {})}))


def logged(app) -> list[tuple[str, dict]]:
    calllog = app.extensions["calllog"]
    assert calllog.flush(timeout=20)
    with calllog.engine.connect() as connection:
        call = store.get_call(connection, SID)
        return [(e.kind, dict(e.data)) for e in store.events_of(connection, call.id)]


def kinds(events) -> list[str]:
    return [kind for kind, _ in events]


def test_a_replayed_signed_key_press_is_logged_once(app, clock):
    twilio = Twilio(app, clock)
    for _ in range(4):
        first = twilio.send("/voice")
    language = first.find("Gather").get("action")
    for replay in range(4):  # the same signed request, even with another idempotency header
        twilio.send(language, {"I-Twilio-Idempotency-Token": f"forged-{replay}"}, Digits="1")
    assert logged(app) == [
        (E.CALL_STARTED, {"hotline": "main", "to": "+815000000000",
                          "caller_masked": "+81 90-****-**78",
                          "caller_hash": hmac.new(b"test-key", b"+819012345678",
                                                  hashlib.sha256).hexdigest()}),
        (E.EMERGENCY_ADVICE, {"where": "greeting"}),
        (E.MENU_ENTERED, {"menu": "language"}),
        (E.KEY_PRESSED, {"menu": "language", "digit": "1"}),
        (E.LANGUAGE_CHOSEN, {"language": "en"}),
        (E.MENU_ENTERED, {"menu": "main"}),
    ]


def test_a_retried_dial_outcome_and_status_callback_are_logged_once(app, clock):
    twilio = Twilio(app, clock)
    language = twilio.send("/voice").find("Gather").get("action")
    main = twilio.send(language, Digits="1").find("Gather").get("action")
    dialled = twilio.send(main, Digits="4").find("Dial").get("action")
    for _ in range(2):
        twilio.send(dialled, DialCallStatus="completed", DialCallDuration="300")
        twilio.send("/voice/status", CallStatus="completed", CallDuration="420")
    events = logged(app)
    assert kinds(events).count(E.DIAL_RESULT) == 1
    assert kinds(events).count(E.CALL_ENDED) == 1
    assert kinds(events).count(E.CALL_STATUS) == 1
    assert len(events) == 12


def test_two_genuine_star_presses_at_the_same_menu_are_both_logged(app, clock):
    twilio = Twilio(app, clock)
    language = twilio.send("/voice").find("Gather").get("action")
    main = twilio.send(language, Digits="1").find("Gather").get("action")
    again = twilio.send(main, Digits="*").find("Gather").get("action")
    twilio.send(again, Digits="*")
    assert logged(app)[-2:] == [(E.KEY_PRESSED, {"menu": "main", "digit": "*"})] * 2


def test_a_caller_who_comes_back_and_chooses_the_same_again_is_logged_each_time(app, clock):
    """Back to the menu and the same key, twice over: byte for byte the same requests,
    but for the turn the app writes into each URL."""
    twilio = Twilio(app, clock)
    language = twilio.send("/voice").find("Gather").get("action")
    main = twilio.send(language, Digits="1").find("Gather").get("action")
    for _ in range(2):
        dialled = twilio.send(main, Digits="4").find("Dial").get("action")
        offer = twilio.send(dialled, DialCallStatus="busy").find("Gather").get("action")
        main = twilio.send(offer, Digits="0").find("Gather").get("action")
    events = logged(app)
    assert kinds(events).count(E.DIAL_STARTED) == 2
    assert [data for kind, data in events if kind == E.DIAL_RESULT] == [
        {"service": "iom", "dial_status": "busy", "dial_duration": None}] * 2
    assert [data for kind, data in events if kind == E.KEY_PRESSED] == [
        {"menu": "language", "digit": "1"},
        *[{"menu": "main", "digit": "4"}, {"menu": "offer:iom", "digit": "0"}] * 2]


def test_each_failure_that_reaches_the_fallback_url_is_logged_once(app, clock):
    twilio = Twilio(app, clock)
    for failed in ("/voice/menu?h=main&l=en&t=main&n=3", "/voice/menu?h=main&l=en&t=main&n=5",
                   "/voice/menu?h=main&l=en&t=main&n=5"):  # the last one: Twilio's retry
        twilio.send("/voice/fallback", ErrorCode="11200", ErrorUrl="https://ivr.example" + failed)
    assert kinds(logged(app)) == [E.FALLBACK_USED] * 2


def test_two_simulated_calls_with_the_same_keys_are_two_calls(make_app, migrated_url):
    app = make_app(DATABASE_URL=migrated_url)
    for _ in range(2):
        simulator.run(app, simulator.Call(at=jst("2026-11-24 10:00"), keys=["1", "4"]))
    calllog = app.extensions["calllog"]
    assert calllog.flush(timeout=20)
    with calllog.engine.connect() as connection:
        rows = connection.execute(calls.select()).all()
    assert [(row.outcome, row.service, row.event_count) for row in rows] == [
        ("connected", "iom", 12)] * 2
