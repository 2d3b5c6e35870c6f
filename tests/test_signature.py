"""Only Twilio drives calls: X-Twilio-Signature on every /voice route."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from conftest import SID, twiml
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator, add_port, remove_port
from werkzeug.datastructures import MultiDict

from ivr.web import signature

TOKEN = "test-auth-token-0123456789abcdef"
FORM = {"CallSid": SID, "From": "+819012345678", "To": "+815000000000"}


def signed(url: str, form: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form)}


@pytest.fixture
def client(make_app):
    return make_app(TWILIO_AUTH_TOKEN=TOKEN, IVR_ALLOW_UNSIGNED=False).test_client()


@pytest.mark.parametrize("path", ["/voice", "/voice/menu?h=main&l=en&t=main", "/voice/status",
                                  "/voice/fallback"])
def test_a_valid_signature_is_served(client, path):
    url = "http://localhost" + path
    response = client.post(path, data=FORM, headers=signed(url, FORM))
    twiml(response)


@pytest.mark.parametrize("headers", [
    {}, {"X-Twilio-Signature": ""}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    signed("http://localhost/voice", FORM, token="another-token"),
    signed("http://localhost/voice/other", FORM),
])
def test_a_missing_or_wrong_signature_is_refused_with_403(client, headers):
    response = client.post("/voice", data=FORM, headers=headers)
    assert response.status_code == 403
    assert response.get_data(as_text=True) == "invalid or missing X-Twilio-Signature"


def test_tampered_parameters_break_the_signature(client):
    headers = signed("http://localhost/voice/menu?h=main&l=en&t=main", {**FORM, "Digits": "1"})
    response = client.post("/voice/menu?h=main&l=en&t=main", data={**FORM, "Digits": "4"},
                           headers=headers)
    assert response.status_code == 403


def test_a_get_request_is_signed_over_its_url(client):
    path = "/voice/menu?h=main&l=en&t=main&CallSid=" + SID + "&From=%2B819012345678"
    response = client.get(path, headers=signed("http://localhost" + path, {}))
    twiml(response)


def test_behind_a_tls_proxy_the_public_https_url_is_checked(make_app):
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN, IVR_ALLOW_UNSIGNED=False, IVR_PROXY_HOPS=1)
    client = app.test_client()
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hotline.example.org"}
    good = signed("https://hotline.example.org/voice", FORM)
    twiml(client.post("/voice", data=FORM, headers={**proxy, **good}))
    inner = signed("http://localhost/voice", FORM)
    assert client.post("/voice", data=FORM, headers={**proxy, **inner}).status_code == 403


def test_without_a_token_calls_are_refused_unless_development_allows_them(make_app):
    strict = make_app(TWILIO_AUTH_TOKEN=None, IVR_ALLOW_UNSIGNED=False).test_client()
    refused = strict.post("/voice", data=FORM)
    assert refused.status_code == 403
    assert "TWILIO_AUTH_TOKEN is not set" in refused.get_data(as_text=True)
    # the fallback answer stays available: it only gives advice and a 24 h line
    assert twiml(strict.post("/voice/fallback", data=FORM)).find("Dial") is not None
    relaxed = make_app(TWILIO_AUTH_TOKEN=None, IVR_ALLOW_UNSIGNED=True).test_client()
    assert twiml(relaxed.post("/voice", data=FORM)).find("Gather") is not None


def test_staff_and_audio_routes_are_not_voice_routes(client):
    assert client.get("/audio/en/missing.wav").status_code == 404


@pytest.mark.parametrize("url", [
    "http://localhost/voice", "http://localhost:80/voice", "https://hotline.example.org/voice",
    "https://hotline.example.org:443/voice/menu?h=main&l=en&t=main&n=2",
    "http://127.0.0.1:8000/voice/menu?h=main&t=main&a=x.y",
])
@pytest.mark.parametrize("params", [{}, {**FORM, "Digits": "1"}, "multi"])
def test_the_check_accepts_what_twilio_accepts(url, params):
    """Our check (one HMAC) decides as twilio's RequestValidator (two) for each URL form."""
    form = MultiDict([("CallSid", SID), ("Digits", "1"), ("Digits", "2"), ("Zz", "é")]) \
        if params == "multi" else params
    parsed = urlparse(url)
    validator = RequestValidator(TOKEN)
    for signed_as in (url, remove_port(parsed), add_port(parsed), url + "x",
                      "https://elsewhere.example/voice"):
        for token in (TOKEN, "another-token"):
            given = RequestValidator(token).compute_signature(signed_as, form)
            assert signature.valid(TOKEN, url, form, given) == validator.validate(
                url, form, given), (signed_as, token)


def test_a_valid_request_costs_one_hmac(client, monkeypatch):
    digests = []
    real = signature._digest
    monkeypatch.setattr(signature, "_digest", lambda *a: digests.append(a) or real(*a))
    url = "http://localhost/voice/menu?h=main&l=en&t=main"
    twiml(client.post(url[16:], data=FORM, headers=signed(url, FORM)))
    assert len(digests) == 1
    with_port = signed("http://localhost:80/voice/menu?h=main&l=en&t=main", FORM)
    twiml(client.post(url[16:], data=FORM, headers=with_port))  # Twilio may sign the port too
    assert len(digests) == 3


NAMES = st.text(max_size=6)
VALUES = st.text(max_size=8)


@settings(max_examples=1500, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(["Digits", "CallSid", "a", "A", "é", ""])
                                | NAMES, VALUES), max_size=10), plain=st.booleans())
def test_the_fields_are_signed_as_twilio_signs_them(pairs, plain):
    """Any form (repeated names and values, any order and text) is checked as twilio's
    RequestValidator checks it, a MultiDict as the request's form, a dict as a GET's."""
    form = dict(pairs) if plain else MultiDict(pairs)
    url = "https://hotline.example.org/voice/menu?h=main&n=2"
    validator = RequestValidator(TOKEN)
    for token in (TOKEN, "another-token"):
        given_ = RequestValidator(token).compute_signature(url, form)
        assert signature.valid(TOKEN, url, form, given_) == validator.validate(url, form, given_)
    expected = validator.compute_signature(url, form)
    assert signature._digest(TOKEN, url + signature._fields(form)).decode() == expected
