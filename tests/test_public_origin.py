"""One public origin (IVR_PUBLIC_URL): what Twilio signed, every absolute URL, no redirects,
pages for people only under the public host, and HSTS over https."""

from __future__ import annotations

import pytest
from conftest import SID, jst, twiml
from twilio.request_validator import RequestValidator

from ivr import config
from ivr.web import simulator

TOKEN = "origin-test-token-0123456789"
PUBLIC = "https://ivr.example.org"
FORM = {"CallSid": SID, "From": "+819012345678", "To": "+815000000000"}


def signed(url: str, form: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, form)}


@pytest.fixture
def pinned(make_app):
    return make_app(TWILIO_AUTH_TOKEN=TOKEN, IVR_ALLOW_UNSIGNED=False, IVR_PUBLIC_URL=PUBLIC)


@pytest.mark.parametrize("host", ["ivr.example.org", "127.0.0.1:8000", "evil.example"])
def test_the_signature_is_checked_against_the_public_url_whatever_the_host(pinned, host):
    client = pinned.test_client()
    url = "/voice/menu?h=main&l=en&t=main"
    headers = {"Host": host, **signed(PUBLIC + url, {**FORM, "Digits": "1"})}
    twiml(client.post(url, data={**FORM, "Digits": "1"}, headers=headers))


def test_a_request_signed_for_another_host_is_refused(pinned):
    """A staging app on the same Twilio account signs for its own host: not valid here."""
    staging = "https://staging.example.org"
    response = pinned.test_client().post("/voice", data=FORM, base_url=staging,
                                         headers=signed(staging + "/voice", FORM))
    assert response.status_code == 403
    assert response.get_data(as_text=True) == "invalid or missing X-Twilio-Signature"


def test_a_path_prefix_of_the_public_url_is_part_of_what_twilio_signed(make_app):
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN, IVR_ALLOW_UNSIGNED=False,
                   IVR_PUBLIC_URL="https://example.org/hotline/")
    client = app.test_client()
    twiml(client.post("/voice", data=FORM, headers=signed("https://example.org/hotline/voice",
                                                          FORM)))
    assert client.post("/voice", data=FORM,
                       headers=signed("https://example.org/voice", FORM)).status_code == 403


def test_recordings_are_played_from_the_public_url_not_the_host(make_app, tmp_path):
    (tmp_path / "audio" / "en").mkdir(parents=True)
    (tmp_path / "audio" / "en" / "menu.main.wav").write_bytes(b"RIFF0000WAVE")
    app = make_app(IVR_AUDIO_DIR=str(tmp_path / "audio"), IVR_PUBLIC_URL=PUBLIC)
    response = app.test_client().post("/voice/language?h=main&t=language", headers={
        "Host": "evil.example"}, data={**FORM, "Digits": "1"})
    play = twiml(response).find("Gather/Play")
    assert play.text == "https://ivr.example.org/audio/en/menu.main.wav"


@pytest.mark.parametrize(("path", "status"), [
    ("/voice//x", 404), ("/voice//menu", 404), ("/voice/menu//", 404),
    ("/voice//", 200), ("//voice", 200),  # the incoming call, as /voice/ and /voice
    ("/staff//calls", 404), ("//staff/login", 200),
])
@pytest.mark.parametrize("public_url", [None, PUBLIC])
def test_a_double_slash_path_is_never_redirected(make_app, path, status, public_url):
    client = make_app(IVR_PUBLIC_URL=public_url).test_client()
    method = client.get if "staff" in path else client.post
    response = method("/", data=FORM, headers={"Host": "ivr.example.org"},
                      environ_overrides={"PATH_INFO": path})
    assert (response.status_code, response.headers.get("Location")) == (status, None)


@pytest.mark.parametrize(("path", "host", "status"), [
    ("/staff/login", "ivr.example.org", 200),
    ("/staff/login", "evil.example", 400),
    ("/staff/login", "ivr.example.org.evil.example", 400),
    ("/healthz", "10.0.0.5:8000", 200),  # a load balancer checks an instance by its address
    ("/audio/en/missing.wav", "10.0.0.5:8000", 404),
])
def test_pages_for_people_answer_only_under_the_public_host(make_app, path, host, status):
    client = make_app(IVR_PUBLIC_URL=PUBLIC).test_client()
    response = client.get(path, headers={"Host": host})
    assert response.status_code == status
    if status == 400:
        assert response.mimetype == "text/plain"
        assert response.get_data(as_text=True) == "unknown host"


HSTS = "max-age=31536000"


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/voice"), ("post", "/voice/fallback"), ("get", "/staff/login"),
    ("get", "/healthz"), ("get", "/audio/en/missing.wav"), ("get", "/nowhere"),
])
def test_hsts_is_sent_over_https_on_every_route(make_app, method, path):
    client = make_app().test_client()
    secure = getattr(client, method)(path, data=FORM, base_url="https://ivr.example.org")
    assert secure.headers.get("Strict-Transport-Security") == HSTS
    plain = getattr(client, method)(path, data=FORM, base_url="http://ivr.example.org")
    assert "Strict-Transport-Security" not in plain.headers


def test_behind_a_tls_proxy_hsts_follows_the_forwarded_scheme(make_app):
    client = make_app(IVR_PROXY_HOPS=1).test_client()
    https = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert https.headers.get("Strict-Transport-Security") == HSTS
    http = client.get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in http.headers


@pytest.mark.parametrize(("raw", "parsed"), [
    ("https://ivr.example.org", "https://ivr.example.org"),
    ("https://ivr.example.org/", "https://ivr.example.org"),
    (" https://Ivr.Example.org:8443/hotline/ ", "https://ivr.example.org:8443/hotline"),
    ("http://localhost:5000", "http://localhost:5000"),
    ("https://ivr.example.org:443/hotline", "https://ivr.example.org/hotline"),
    ("http://[::1]:8080/", "http://[::1]:8080"),
])
def test_the_public_url_setting_is_read_as_an_origin_and_a_path(raw, parsed):
    assert config.from_environ({"IVR_PUBLIC_URL": raw})["IVR_PUBLIC_URL"] == parsed


@pytest.mark.parametrize(("raw", "message"), [
    ("ivr.example.org", "is not an http:// or https:// URL"),
    ("ftp://ivr.example.org", "is not an http:// or https:// URL"),
    ("https://ivr.example.org:99999", "is not a URL"),
    ("https://", "has no host"),
    ("https://ivr.example.org/voice?x=1", "must not have a query or a fragment"),
    ("https://ivr.example.org/#e=tokyo", "must not have a query or a fragment"),
    ("https://user:pw@ivr.example.org", "must not hold credentials"),
])
def test_a_malformed_public_url_stops_the_start(raw, message):
    with pytest.raises(ValueError) as error:
        config.from_environ({"IVR_PUBLIC_URL": raw})
    assert str(error.value) == f"environment variable IVR_PUBLIC_URL: {raw.strip()!r} {message}"


def test_without_a_public_url_a_production_start_warns(make_app):
    warning = ("IVR_PUBLIC_URL is not set: signatures are checked against the host each "
               "request names")
    unpinned = make_app(TESTING=False, SECRET_KEY="s", TWILIO_AUTH_TOKEN=TOKEN)
    assert warning in unpinned.extensions["ivr.config_warnings"]
    pinned = make_app(TESTING=False, SECRET_KEY="s", TWILIO_AUTH_TOKEN=TOKEN, IVR_PUBLIC_URL=PUBLIC)
    assert warning not in pinned.extensions["ivr.config_warnings"]


@pytest.mark.parametrize("public_url", [PUBLIC, "https://example.org/hotline"])
def test_the_simulator_drives_a_signed_app_under_its_public_url(make_app, public_url):
    """`flask --app ivr call` on a production server: signed, pinned, maybe with a path."""
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN, IVR_ALLOW_UNSIGNED=False, IVR_PUBLIC_URL=public_url)
    call = simulator.Call(at=jst("2026-11-24 10:00"), keys=["1", "4"])
    lines = simulator.run(app, call)
    assert lines[-3:] == [
        "-> dials +81335952487 (rings 30 s, caller ID +815000000000): completed",
        "[en-US] Thank you for calling. Take care. Goodbye.", "-> the app hangs up"]
