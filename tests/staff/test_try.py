"""The try-it simulator: a call through a version of the menus, pressed key by key as a browser
submits the keypad form, heard in order, written nowhere.

The apps keep their menus in the database (version 1: the fixture menus).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from .staff_support import PASSWORD, add_user, log_in, text
from .try_support import CLOSURE, Element, call_log_rows, draft_with, menus_app, page, record

EMERGENCY = ("If you are in danger now, hang up and dial 1 1 0 for the police, or 1 1 9 for "
             "fire or an ambulance. These calls are free, 24 hours a day.")
HINTS = ["To hear this again, press star.", "To go back, press 0."]
MAIN = ["Please choose what you need.",
        "For the Tokyo police, in English, 24 hours a day, press 1.",
        "For advice from the police in English, on weekdays, press 2.",
        "For free legal advice, and help with your rights, press 3.",
        "For help if someone forces you to work, or does not let you leave, press 4.",
        "For other phone numbers and opening hours, press 5.", *HINTS]
WAITS = "Then the call waits up to 10 s for a key."


@pytest.fixture
def app(staff_app):
    return menus_app(staff_app)


def start(client, query: str = "date=2026-11-24&time=10:00") -> Element:
    response = client.get(f"/staff/menus/try?start=1&{query}")
    assert response.status_code == 200, text(response)
    return page(text(response))


def press(client, document: Element, key: str, status: int = 200) -> Element:
    """Submit the keypad form with ``key``, as the browser does (its hidden fields first)."""
    form = document.one("form", id="try-keypad")
    fields = [(i.attrs["name"], i.attrs["value"]) for i in form.all("input")
              if i.attrs.get("type") == "hidden"]
    buttons = [b for b in form.all("button") if b.attrs.get("value") == key]
    assert len(buttons) == 1, f"no button {key}"
    action = form.attrs["action"].split("#")[0]
    response = client.get(f"{action}?{urlencode([*fields, ('key', key)])}")
    assert response.status_code == status, text(response)
    return page(text(response))


def turns(document: Element) -> list[list[str]]:
    """The transcript: per turn, what the caller did, each prompt, where the call goes."""
    return [[p.text for p in li.all("p", class_="given")]
            + [prompt.text for prompt in li.all("span", class_="prompt")]
            + [p.text for p in li.all("p", class_="goes")]
            for li in document.one("ol", id="try-transcript").all("li", class_="turn")]


def test_the_keypad_reaches_a_closed_service_and_nothing_is_logged(admin_client, app) -> None:
    first = start(admin_client, "date=2026-11-24&time=12:45")
    assert first.one(id="try-about").text == (
        "The published version (1), Help line for foreign residents of Japan, "
        "Tue 2026-11-24 12:45 (Japan).")
    assert turns(first) == [[
        "Hello. This is a free and confidential help line for foreign residents of Japan.",
        EMERGENCY, "For English, press 1.",
        "こんにちは。こちらは、日本で暮らす外国人のための、無料で秘密が守られる相談電話です。",
        "いま危険な状態にある場合は、電話を切って、警察は110番、火事や救急は119番に電話してください。"
        "24時間、無料です。", "日本語は、2を押してください。",
        "Magandang araw. Ito ay isang libre at kumpidensyal na helpline para sa mga dayuhang "
        "naninirahan sa Japan.",
        "Kung ikaw ay nasa panganib ngayon, ibaba ang telepono at tumawag sa 1 1 0 para sa "
        "pulis, o 1 1 9 para sa bumbero o ambulansya. Libre ang mga tawag na ito, 24 oras "
        "bawat araw.", "Para sa Tagalog, pindutin ang 3.", WAITS]]
    closed = press(admin_client, press(admin_client, first, "1"), "4")
    assert turns(closed)[1:] == [
        ["The caller presses 1.", *MAIN, WAITS],
        ["The caller presses 4.", "IOM Tokyo is closed now.", "It is closed for the lunch break.",
         "It opens again today at 13:30.", EMERGENCY,
         "To call the police consultation line in English, which is open now, press 1.",
         "To call Houterasu legal support, which is open now, press 2.",
         "To call the Tokyo police English line, which is open now, press 3.",
         "To hear the number of IOM Tokyo, press 4.", *HINTS, WAITS]]
    assert [i.attrs["value"] for i in closed.one("form", id="try-keypad").all("input")
            if i.attrs["name"] == "t"] == ["1 /voice/language?h=main&t=language",
                                           "4 /voice/menu?h=main&l=en&t=main"]
    assert call_log_rows(app) == (0, 0)


def test_a_busy_line_and_the_other_outcomes_of_a_connection(admin_client, app) -> None:
    dialling = press(admin_client, press(admin_client, start(admin_client), "1"), "1")
    assert turns(dialling)[-1] == [
        "The caller presses 1.", "Connecting you to the Tokyo police English line. Please wait.",
        "Then the call dials +81 3-3501-0110 (the Tokyo police English line), ringing for up "
        "to 30 s."]
    assert [b.text for b in dialling.one(id="try-outcomes").all("button")] == [
        "Answered", "Busy", "No answer", "Failed"]
    assert "disabled" in dialling.one("fieldset", id="try-keys").attrs
    busy = press(admin_client, dialling, "busy")
    assert turns(busy)[-1] == [
        "The line is busy.", "The Tokyo police English line is busy right now.", EMERGENCY,
        "To hear the number of the Tokyo police English line, press 1.", *HINTS, WAITS]
    assert busy.all(id="try-outcomes") == []
    told = press(admin_client, busy, "1")
    assert turns(told)[-1][:3] == [
        "The caller presses 1.",
        "The number of the Tokyo police English line is: 0, 3. 3, 5, 0, 1. 0, 1, 1, 0.",
        "Again, the number is: 0, 3. 3, 5, 0, 1. 0, 1, 1, 0."]
    for outcome, first in (("no-answer", "The Tokyo police English line did not answer."),
                           ("failed", "Sorry, we could not connect you to the Tokyo police "
                                      "English line.")):
        assert turns(press(admin_client, dialling, outcome))[-1][1] == first
    answered = press(admin_client, dialling, "completed")
    assert turns(answered)[-1] == [
        "The line answers; the call goes on there until it ends.",
        "Thank you for calling. Take care. Goodbye.", "Then the call hangs up."]
    assert answered.one(id="try-ended").text == "The call has ended. Call again"
    assert call_log_rows(app) == (0, 0)


def test_silence_the_language_shortcut_and_every_key_of_the_keypad(admin_client, app) -> None:
    tagalog = start(admin_client, "date=2026-11-24&time=10:00&lang=tl")
    assert turns(tagalog)[1][:2] == ["The caller presses 3.", "Pakipili kung ano ang kailangan mo."]
    keys = tagalog.one("fieldset", id="try-keys").all("button")
    assert [(b.attrs["id"], b.attrs["value"], b.text) for b in keys] == [
        *[(f"try-key-{k}", k, k) for k in "123456789"], ("try-key-star", "*", "*"),
        ("try-key-0", "0", "0"), ("try-key-hash", "#", "#"),
        ("try-silence", "silence", "Stay silent")]
    silent = press(admin_client, tagalog, "silence")
    assert turns(silent)[-1][:2] == [
        "The caller stays silent.",
        "Wala kaming narinig na pindutan. Pakipindot ang isang numero sa iyong telepono."]
    wrong = press(admin_client, silent, "#")
    assert turns(wrong)[-1][:2] == ["The caller presses hash.",
                                    "Paumanhin, wala sa mga pagpipilian ang pindutang iyon."]


def test_a_recording_has_a_player(admin_client, app) -> None:
    record(app, "en", "greeting")
    first = start(admin_client)
    prompts = first.one(id="try-transcript").all("li", lang="en")
    assert [[a.attrs["src"] for a in li.all("audio")] for li in prompts] == [
        ["/audio/en/greeting.wav"], [], []]
    assert all("controls" in a.attrs for a in first.all("audio"))


def test_the_draft_is_tried_at_its_date(admin_client, app) -> None:
    draft_with(app, CLOSURE)
    choices = start(admin_client).one("select", id="try-version").all("option")
    assert [(o.attrs["value"], o.text) for o in choices] == [
        ("draft", "the draft"), ("published", "published (version 1)")]
    first = start(admin_client, "version=draft&date=2026-11-25&time=10:00&lang=en")
    assert turns(press(admin_client, first, "4"))[-1][1:4] == [
        "IOM Tokyo is closed now.", "It is closed today: an office move.",
        "It opens tomorrow at 9:00."]


def test_a_draft_with_errors_cannot_be_tried(admin_client, app) -> None:
    draft_with(app, ("main.yaml", "        menu: legal\n", "        menu: legl\n"))
    response = admin_client.get("/staff/menus/try?version=draft&start=1")
    assert response.status_code == 409
    box = page(text(response)).one(id="try-problems")
    assert box.one("a").attrs["href"] == "/staff/menus/draft"


def test_viewers_try_the_published_version_not_the_draft(viewer_client, app) -> None:
    draft_with(app, CLOSURE)
    first = start(viewer_client)
    assert [o.attrs["value"] for o in first.one("select", id="try-version").all("option")] == [
        "published"]
    response = viewer_client.get("/staff/menus/try?version=draft&start=1")
    assert response.status_code == 404
    assert page(text(response)).one(id="try-missing").text == "Only admins may see the draft."


@pytest.mark.parametrize(("query", "message"), [
    ("t=1+/elsewhere?h=main", "This simulated call cannot be read: start it again."),
    ("t=9x+/voice/language?h=main", "This simulated call cannot be read: start it again."),
    ("key=busy", "'busy' does nothing at this point of the call."),
])
def test_a_forged_turn_is_refused(admin_client, app, query, message) -> None:
    response = admin_client.get(f"/staff/menus/try?date=2026-11-24&{query}")
    assert response.status_code == 400
    assert page(text(response)).one(id="error-message").text == message


def test_a_call_has_a_hundred_turns_at_most(admin_client, app) -> None:
    turns_so_far = "&".join(["t=1+/voice/language?h=main"] * 100)
    response = admin_client.get(f"/staff/menus/try?date=2026-11-24&{turns_so_far}&key=1")
    assert response.status_code == 400
    assert page(text(response)).one(id="error-message").text == \
        "A simulated call takes 100 turns at most: start it again."
    assert admin_client.get(f"/staff/menus/try?date=2026-11-24&{turns_so_far}").status_code \
        == 200


def test_with_the_menus_folder_the_tree_calls_hear_is_tried(staff_app) -> None:
    folder = staff_app()
    add_user(folder, "victor", "viewer")
    client = folder.test_client()
    log_in(client, "victor", PASSWORD)
    first = start(client)
    assert [o.text for o in first.one("select", id="try-version").all("option")] == [
        "the menus folder, as calls hear it"]
    assert turns(press(client, first, "2"))[-1][:2] == ["The caller presses 2.",
                                                        "ご用件をお選びください。"]
    assert call_log_rows(folder) == (0, 0)
