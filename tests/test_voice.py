"""The webhooks as Twilio sees them: exact TwiML verbs, attributes and order."""

from __future__ import annotations

import pytest
from conftest import SID, jst, post, says, twiml

from ivr.call import engine
from ivr.web import fallback

GATHER = {"method": "POST", "input": "dtmf", "numDigits": "1", "timeout": "10",
          "finishOnKey": "", "actionOnEmptyResult": "false"}
EMERGENCY_EN = ("If you are in danger now, hang up and dial 1 1 0 for the police, or 1 1 9 "
                "for fire or an ambulance. These calls are free, 24 hours a day.")
HINTS_EN = [("en-US", "To hear this again, press star."), ("en-US", "To go back, press 0.")]


def test_incoming_call_greets_advises_and_offers_each_language_in_itself(client):
    root = twiml(post(client, "/voice"))
    assert [child.tag for child in root] == ["Gather", "Redirect"]
    gather, redirect = root
    assert gather.attrib == {"action": "/voice/language?h=main&t=language&n=1", **GATHER}
    assert redirect.attrib == {"method": "POST"}
    assert redirect.text == "/voice/language?h=main&t=language&s=1&n=1"
    heard = says(gather)
    assert [lang for lang, _ in heard] == ["en-US"] * 3 + ["ja-JP"] * 3 + ["fil-PH"] * 3
    assert heard[1] == ("en-US", EMERGENCY_EN)
    assert [text for _, text in heard[2::3]] == [
        "For English, press 1.", "日本語は、1を押してください。".replace("1", "2"),
        "Para sa Tagalog, pindutin ang 3."]
    voices = {(say.get("language"), say.get("voice")) for say in gather.iter("Say")}
    assert voices == {("en-US", "Polly.Joanna"), ("ja-JP", "Polly.Mizuki"),
                      ("fil-PH", "Google.fil-PH-Standard-A")}
    assert {p.get("rate") for p in gather.iter("prosody")} == {"90%"}


def test_choosing_tagalog_plays_the_main_menu_in_tagalog(client):
    root = twiml(post(client, "/voice/language?h=main&t=language", Digits="3"))
    gather = root.find("Gather")
    assert gather.get("action") == "/voice/menu?h=main&l=tl&t=main&n=1"
    assert root.find("Redirect").text == "/voice/menu?h=main&l=tl&t=main&s=1&n=1"
    heard = says(gather)
    assert {lang for lang, _ in heard} == {"fil-PH"}
    assert heard[0][1] == "Pakipili kung ano ang kailangan mo."
    assert heard[1][1] == "Para sa pulisya ng Tokyo, sa Ingles, 24 oras, pindutin ang 1."
    assert len(heard) == 1 + 5 + 2


def test_an_open_service_is_dialled_with_action_timeout_and_caller_id(client):
    root = twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="4"))
    assert [child.tag for child in root] == ["Say", "Dial"]
    assert says(root) == [("en-US", "Connecting you to IOM Tokyo. Please wait.")]
    dial = root.find("Dial")
    assert dial.attrib == {"action": "/voice/dialled?h=main&l=en&t=iom&o=main&n=1",
                           "method": "POST", "timeout": "30", "callerId": "+815000000000"}
    assert [(n.tag, n.text) for n in dial] == [("Number", "+81335952487")]


def test_a_closed_service_says_why_when_it_opens_and_offers_what_is_open(client, clock):
    clock.now = jst("2026-11-24 12:45")
    root = twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="4"))
    gather = root.find("Gather")
    assert gather.get("action") == ("/voice/offer?h=main&l=en&t=iom&o=main&w=closed"
                                    "&a=police-consultation.houterasu.police&n=1")
    assert says(gather) == [
        ("en-US", "IOM Tokyo is closed now."),
        ("en-US", "It is closed for the lunch break."),
        ("en-US", "It opens again today at 13:30."),
        ("en-US", EMERGENCY_EN),
        ("en-US", "To call the police consultation line in English, which is open now, "
                  "press 1."),
        ("en-US", "To call Houterasu legal support, which is open now, press 2."),
        ("en-US", "To call the Tokyo police English line, which is open now, press 3."),
        ("en-US", "To hear the number of IOM Tokyo, press 4."),
        *HINTS_EN]


def test_an_offered_alternative_is_connected_and_back_returns_to_the_menu(client, clock):
    clock.now = jst("2026-11-24 12:45")
    url = "/voice/offer?h=main&l=en&t=iom&o=main&w=closed&a=police-consultation.houterasu"
    root = twiml(post(client, url, Digits="2"))
    assert root.find("Dial/Number").text == "+815037545430"
    assert root.find("Dial").get("action") == "/voice/dialled?h=main&l=en&t=houterasu&o=main&n=1"
    back = twiml(post(client, url, Digits="0"))
    assert back.find("Gather").get("action") == "/voice/menu?h=main&l=en&t=main&n=1"


def test_the_number_is_read_slowly_twice_with_the_hours(client):
    url = "/voice/offer?h=main&l=en&t=iom&o=main&w=closed"
    heard = says(twiml(post(client, url, Digits="1")))
    digits = "0, 3. 3, 5, 9, 5. 2, 4, 8, 7"
    assert heard[:4] == [
        ("en-US", f"The number of IOM Tokyo is: {digits}."),
        ("en-US", f"Again, the number is: {digits}."),
        ("en-US", "It is open Monday to Friday, from 9:00 to 12:30 and from 13:30 to 17:00."),
        ("en-US", "It is closed on national holidays and for the New Year holidays.")]
    assert heard[4] == ("en-US", "IOM Tokyo is open now.")
    assert heard[5:] == HINTS_EN


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled", "garbage"])
def test_a_failed_connection_says_so_and_offers_the_fallback(client, status):
    url = "/voice/dialled?h=main&l=en&t=iom&o=main"
    root = twiml(post(client, url, DialCallStatus=status, DialCallDuration="0"))
    why = {"busy": "busy", "no-answer": "no_answer"}.get(status, "failed")
    gather = root.find("Gather")
    assert gather.get("action") == (f"/voice/offer?h=main&l=en&t=iom&o=main&w={why}"
                                    "&a=police-consultation.houterasu.police&n=1")
    first = {"busy": "IOM Tokyo is busy right now.", "no_answer": "IOM Tokyo did not answer.",
             "failed": "Sorry, we could not connect you to IOM Tokyo."}[why]
    assert says(gather)[:2] == [("en-US", first), ("en-US", EMERGENCY_EN)]


def test_a_completed_connection_ends_with_a_goodbye(client):
    root = twiml(post(client, "/voice/dialled?h=main&l=en&t=iom&o=main",
                      DialCallStatus="completed", DialCallDuration="300"))
    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert says(root) == [("en-US", "Thank you for calling. Take care. Goodbye.")]


def test_the_busy_police_line_leaves_the_110_advice_and_its_number(client):
    root = twiml(post(client, "/voice/dialled?h=main&l=en&t=police&o=main",
                      DialCallStatus="busy"))
    assert says(root.find("Gather")) == [
        ("en-US", "The Tokyo police English line is busy right now."),
        ("en-US", EMERGENCY_EN),
        ("en-US", "To hear the number of the Tokyo police English line, press 1."),
        *HINTS_EN]


def test_silence_reprompts_then_the_third_ends_with_the_advice_and_goodbye(client):
    # the fixture hotline: silence_retries: 3, "the 3rd silence in a row ends the call"
    for silence in (1, 2):
        again = twiml(post(client, f"/voice/menu?h=main&l=en&t=main&s={silence}"))
        assert says(again.find("Gather"))[0] == (
            "en-US", "We did not hear a key. Please press a key on your phone.")
        assert again.find("Redirect").text == (
            f"/voice/menu?h=main&l=en&t=main&s={silence + 1}&n=1")
        assert again.find("Gather").get("action") == "/voice/menu?h=main&l=en&t=main&n=1"
    last = twiml(post(client, "/voice/menu?h=main&l=en&t=main&s=3"))
    assert [child.tag for child in last] == ["Say", "Say", "Hangup"]
    assert says(last) == [("en-US", EMERGENCY_EN),
                          ("en-US", "Thank you for calling. Take care. Goodbye.")]


def test_wrong_keys_say_so_and_the_third_ends_the_call(client):
    # the fixture hotline: invalid_retries: 3, "the 3rd wrong key in a menu ends the call"
    root = twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="9"))
    gather = root.find("Gather")
    assert says(gather)[0] == ("en-US", "Sorry, that key is not one of the choices.")
    assert gather.get("action") == "/voice/menu?h=main&l=en&t=main&i=1&n=1"
    assert root.find("Redirect").text == "/voice/menu?h=main&l=en&t=main&s=1&i=1&n=1"
    second = twiml(post(client, "/voice/menu?h=main&l=en&t=main&s=1&i=1", Digits="8"))
    assert second.find("Gather").get("action") == "/voice/menu?h=main&l=en&t=main&i=2&n=1"
    last = twiml(post(client, "/voice/menu?h=main&l=en&t=main&i=2", Digits="#"))
    assert [child.tag for child in last] == ["Say", "Say", "Hangup"]
    assert says(last) == [("en-US", EMERGENCY_EN),
                          ("en-US", "Thank you for calling. Take care. Goodbye.")]


def test_repeat_and_back_keys_work_in_submenus(client):
    repeat = twiml(post(client, "/voice/menu?h=main&l=en&t=legal&i=2", Digits="*"))
    assert repeat.find("Gather").get("action") == "/voice/menu?h=main&l=en&t=legal&n=1"
    assert says(repeat)[0] == ("en-US", "Free legal advice and help with your rights.")
    back = twiml(post(client, "/voice/menu?h=main&l=en&t=legal", Digits="0"))
    assert back.find("Gather").get("action") == "/voice/menu?h=main&l=en&t=main&n=1"
    to_languages = twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="0"))
    assert to_languages.find("Gather").get("action") == "/voice/language?h=main&t=language&n=1"
    assert len(says(to_languages)) == 3  # the choices only, not the greeting again


@pytest.mark.parametrize(("url", "action"), [
    ("/voice/menu?h=main&l=en&t=nowhere", "/voice/menu?h=main&l=en&t=main&n=1"),
    ("/voice/menu?h=main&l=xx&t=main", "/voice/language?h=main&t=language&n=1"),
    ("/voice/menu?h=unknown&l=en&t=legal", "/voice/menu?h=main&l=en&t=legal&n=1"),
    ("/voice/offer?h=main&l=en&t=nothing&w=closed", "/voice/menu?h=main&l=en&t=main&n=1"),
    ("/voice/nonsense?h=main", "/voice/language?h=main&t=language&n=1"),
    ("/voice/menu/deeper/still?x=1", "/voice/language?h=main&t=language&n=1"),
    ("/voice/menu?h=main&l=en&t=main&s=abc&i=-4", "/voice/menu?h=main&l=en&t=main&n=1"),
    ("/voice/menu?h=%E2%9C%93&l=en&t=main", "/voice/menu?h=main&l=en&t=main&n=1"),
])
def test_unknown_or_garbled_places_land_somewhere_sane(client, url, action):
    root = twiml(post(client, url))
    assert root.find("Gather").get("action") == action


def test_a_key_sent_to_a_mended_place_is_not_acted_on(client):
    # a '1' meant for a menu must not choose English at the language choice
    root = twiml(post(client, "/voice/menu?h=main&l=xx&t=main", Digits="1"))
    assert root.find("Gather").get("action") == "/voice/language?h=main&t=language&n=1"
    assert says(root)[0] == ("en-US", "For English, press 1.")


@pytest.mark.parametrize("digits", ["abc", "", "12345678901234567890", "1*#", "\u0661"])
def test_garbage_digits_are_an_invalid_key(client, digits):
    root = twiml(post(client, "/voice/menu?h=main&l=en&t=info", Digits=digits))
    assert says(root)[0] == ("en-US", "Sorry, that key is not one of the choices.")


@pytest.mark.parametrize(("turn", "next_turn"), [
    ("", "1"), ("&n=7", "8"), ("&n=abc", "1"), ("&n=-3", "1"), ("&n=1234567", "1"),
    ("&n=%D9%A3", "1"),  # an Arabic-Indic three is not a turn
])
def test_every_answer_names_the_next_turn_of_the_call(client, turn, next_turn):
    root = twiml(post(client, "/voice/menu?h=main&l=en&t=main" + turn, Digits="*"))
    assert root.find("Gather").get("action") == f"/voice/menu?h=main&l=en&t=main&n={next_turn}"
    assert root.find("Redirect").text == f"/voice/menu?h=main&l=en&t=main&s=1&n={next_turn}"


def test_missing_parameters_still_get_a_call(client):
    root = twiml(client.post("/voice"))  # no CallSid, no To, no From
    assert root.find("Gather").get("action") == "/voice/language?h=main&t=language&n=1"


def test_get_requests_are_served_like_posts(client):
    root = twiml(client.get("/voice/menu?h=main&l=ja&t=main&CallSid=" + "CA" + "1" * 32))
    assert says(root)[0] == ("ja-JP", "ご用件をお選びください。")


@pytest.mark.parametrize("url", ["/voice/", "/voice", "/voice/status/", "/voice/fallback/"])
def test_trailing_slashes_never_redirect(client, url):
    assert post(client, url).status_code == 200


def test_an_oversized_request_is_refused_with_413(client):
    response = client.post("/voice", data={"Digits": "1", "Junk": "x" * 40_000})
    assert response.status_code == 413


def test_status_callback_answers_an_empty_response(client):
    root = twiml(post(client, "/voice/status", CallStatus="completed", CallDuration="42"))
    assert list(root) == []


FALLBACK_VERBS = ["Say", "Say", "Say", "Dial", "Say", "Say", "Say", "Hangup"]


def test_the_fallback_url_needs_neither_menus_nor_database(make_app, tmp_path):
    empty = tmp_path / "no-menus"
    empty.mkdir()
    app = make_app(IVR_MENUS_DIR=str(empty), DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/x")
    client = app.test_client()
    for url in ("/voice/fallback", "/voice"):  # no menus: the call itself falls back
        root = twiml(post(client, url, ErrorCode="11200", ErrorUrl="https://x/voice"))
        assert [child.tag for child in root] == FALLBACK_VERBS
        dial = root.find("Dial")
        assert dial.attrib == {"timeout": "30", "callerId": "+815000000000"}
        assert dial.find("Number").text == "+81335010110"
        assert [lang for lang, _ in says(root)] == ["en-US", "ja-JP", "fil-PH"] * 2


@pytest.mark.parametrize(("error_url", "logged"), [
    ("https://ivr.example.org/voice/menu?h=main&From=%2B819012345678",
     "https://ivr.example.org/voice/menu"),
    ("https://twilio:secret@IVR.example.org:8443/voice#e=tokyo",
     "https://ivr.example.org:8443/voice"),
    ("/voice/dialled?From=%2B819012345678", "/voice/dialled"),
    ("https://[::1]/voice", "https://[::1]/voice"),
    ("https://[::1/voice?From=%2B819012345678", None), ("?From=%2B81", None), ("", None),
])
def test_the_failed_url_is_logged_without_query_fragment_or_credentials(error_url, logged):
    assert fallback.logged_url(error_url) == logged


def test_an_exception_inside_a_step_answers_with_the_fallback(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "respond", broken)
    root = twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="1"))
    assert [child.tag for child in root] == FALLBACK_VERBS
    assert "a voice step failed (call CA0123" in caplog.text
    assert "+819012345678" not in caplog.text


def test_a_recording_replaces_the_spoken_prompt(make_app, tmp_path):
    audio = tmp_path / "audio" / "en"
    audio.mkdir(parents=True)
    (audio / "menu.main.wav").write_bytes(b"RIFF0000WAVE")
    (audio / "goodbye.mp3").write_bytes(b"ID3")
    app = make_app(IVR_AUDIO_DIR=str(tmp_path / "audio"))
    client = app.test_client()
    gather = twiml(post(client, "/voice/language?h=main&t=language", Digits="1")).find("Gather")
    assert gather[0].tag == "Play"
    assert gather[0].text == "http://localhost/audio/en/menu.main.wav"
    assert gather[1].tag == "Say"
    with client.get("/audio/en/menu.main.wav") as served:
        assert served.status_code == 200 and served.data == b"RIFF0000WAVE"
        etag = served.headers["ETag"]
    with client.get("/audio/en/menu.main.wav", headers={"If-None-Match": etag}) as cached:
        assert cached.status_code == 304
    assert client.get("/audio/../requirements.txt").status_code == 404
    assert client.get("/audio/..%2F..%2Fmenus/hotline.yaml").status_code == 404


def test_the_browser_phone_exists_only_in_development(make_app):
    assert make_app().test_client().get("/dev/phone").status_code == 404
    client = make_app(IVR_DEV=True).test_client()
    page = client.get("/dev/phone?at=2026-11-24T12:45&keys=1,4&dial=completed")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<li class=\"key\">presses 4</li>" in text
    assert "[en-US] It is closed for the lunch break." in text


FAILED_IOM = [
    ("en-US", "Sorry, we could not connect you to IOM Tokyo."),
    ("en-US", EMERGENCY_EN),
    ("en-US", "To call the police consultation line in English, which is open now, press 1."),
    ("en-US", "To call Houterasu legal support, which is open now, press 2."),
    ("en-US", "To call the Tokyo police English line, which is open now, press 3."),
    ("en-US", "To hear the number of IOM Tokyo, press 4."),
    *HINTS_EN]


@pytest.mark.parametrize(("url", "outcome"), [
    ("/voice/dialled?h=main&l=en&t=iom&o=main", {}),  # Twilio sent no DialCallStatus
    ("/voice/dialled?h=main&l=en&t=iom&o=main", {"DialCallStatus": ""}),
    # the hotline was renamed during the call: its outcome cannot be trusted
    ("/voice/dialled?h=renamed&l=en&t=iom&o=main", {"DialCallStatus": "busy"}),
])
def test_a_lost_dial_outcome_is_a_failed_connection_with_advice_and_alternatives(
        client, url, outcome):
    root = twiml(post(client, url, **outcome))
    assert [child.tag for child in root] == ["Gather", "Redirect"]
    offer = "/voice/offer?h=main&l=en&t=iom&o=main&w=failed&a=police-consultation.houterasu.police"
    assert root.find("Gather").get("action") == offer + "&n=1"
    assert root.find("Redirect").text == offer + "&s=1&n=1"
    assert says(root.find("Gather")) == FAILED_IOM


@pytest.mark.parametrize(("to", "caller_id"), [
    ("client:alice", None), ("", None), ("sip:alice@pbx.example.org", None),
    ("+not-a-number", None), ("+815000000000", "+815000000000"),
])
def test_the_fallback_shows_a_caller_id_only_when_it_is_a_number(client, to, caller_id):
    root = twiml(client.post("/voice/fallback", data={"CallSid": SID, "To": to}))
    assert [child.tag for child in root] == FALLBACK_VERBS
    expected = {"timeout": "30"} if caller_id is None else {"timeout": "30", "callerId": caller_id}
    assert root.find("Dial").attrib == expected


@pytest.mark.parametrize("to", ["client:alice", "sip:alice@pbx.example.org"])
def test_a_connection_shows_no_caller_id_that_is_not_a_number(client, to):
    dial = twiml(post(client, "/voice/menu?h=main&l=en&t=main", Digits="4", To=to)).find("Dial")
    assert dial.attrib == {"action": "/voice/dialled?h=main&l=en&t=iom&o=main&n=1",
                           "method": "POST", "timeout": "30"}
