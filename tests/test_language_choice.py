"""The language choice of eleven languages: advice first, one short line each, a second list.

Through the real webhooks, on the fixture of the eleven languages. The call
opens with the welcome (greeting and 110/119 advice) in English and
Vietnamese, then each language offers itself in its own voice: keys 1-8, and
9 for Japanese, Spanish and Korean, offered again in a second list.
"""

from __future__ import annotations

import pytest
from conftest import post, says, twiml
from languages_support import LANGUAGES, audio

from ivr.call import timing
from ivr.phonetree import loader

FIRST = [("en-US", "English: press 1."), ("fil-PH", "Tagalog: pindutin ang 2."),
         ("vi-VN", "Tiếng Việt: xin bấm phím 3."), ("cmn-CN", "中文请按4。"),
         ("th-TH", "ภาษาไทย กด 5"), ("id-ID", "Bahasa Indonesia: tekan 6.")]
LAST = [("pt-BR", "Português: tecle 8."), ("ja-JP", "日本語は9番。"),
        ("es-MX", "Español: marque 9."), ("ko-KR", "한국어는 9번.")]
SECOND = [("ja-JP", "日本語は1番。"), ("es-MX", "Español: marque 2."), ("ko-KR", "한국어는 3번.")]
WELCOME = [("en-US", "Free help line. In danger? Hang up and call 1 1 0 for the police, or 1 1 9 "
                     "for an ambulance."),
           ("vi-VN", "Đường dây hỗ trợ miễn phí. Nếu gặp nguy hiểm, hãy cúp máy và gọi 1 1 0 báo "
                     "cảnh sát, hoặc 1 1 9 gọi cấp cứu.")]


@pytest.fixture
def client(make_app, tmp_path):
    app = make_app(IVR_MENUS_DIR=str(LANGUAGES), IVR_AUDIO_DIR=str(audio(tmp_path / "audio")))
    return app.test_client()


def test_the_call_opens_with_the_advice_then_one_line_per_language(client):
    root = twiml(post(client, "/voice"))
    gather = root.find("Gather")
    assert [child.tag for child in gather] == ["Say"] * 8 + ["Play"] + ["Say"] * 4
    assert says(gather) == WELCOME + FIRST + LAST
    assert gather.find("Play").text == "http://localhost/audio/ne/language_option.wav"
    assert gather.get("action") == "/voice/language?h=main&t=language&n=1"
    assert root.find("Redirect").text == "/voice/language?h=main&t=language&s=1&n=1"


def test_key_9_offers_the_other_languages_and_0_goes_back(client):
    second = twiml(post(client, "/voice/language?h=main&t=language", Digits="9"))
    assert says(second) == SECOND
    assert second.find("Gather").get("action") == "/voice/language?h=main&t=more&n=1"
    back = twiml(post(client, "/voice/language?h=main&t=more", Digits="0"))
    assert says(back) == FIRST[:6] + LAST  # no welcome the second time
    assert back.find("Gather").get("action") == "/voice/language?h=main&t=language&n=1"


def test_a_language_of_the_second_list_greets_and_advises_before_its_menu(client):
    menu = twiml(post(client, "/voice/language?h=main&t=more", Digits="3"))
    spoken = says(menu)
    assert spoken[:3] == [
        ("ko-KR", "안녕하세요. 일본에 사는 외국인을 위한 무료 상담 전화입니다. 비밀은 지켜집니다."),
        ("ko-KR", "지금 위험한 상황이라면, 전화를 끊고 경찰은 110번, 화재나 구급차는 "
                  "119번으로 전화하십시오. 무료이며 24시간 연결됩니다."),
        ("ko-KR", "필요하신 것을 선택해 주십시오.")]
    assert {language for language, _ in spoken} == {"ko-KR"}
    assert menu.find("Gather").get("action") == "/voice/menu?h=main&l=ko&t=main&n=1"


def test_a_welcome_language_greets_without_the_advice_again(client):
    spoken = says(twiml(post(client, "/voice/language?h=main&t=language", Digits="3")))
    assert spoken[0] == ("vi-VN", "Xin chào. Đây là đường dây hỗ trợ miễn phí và giữ bí mật, "
                                  "dành cho người nước ngoài đang sống tại Nhật Bản.")
    assert spoken[1] == ("vi-VN", "Xin hãy chọn điều bạn cần.")


def test_a_wrong_key_is_said_in_the_languages_that_speak_there(client):
    first = says(twiml(post(client, "/voice/language?h=main&t=language", Digits="0")))
    assert first == FIRST[:6] + LAST  # 0 on the first list: the list again
    wrong = says(twiml(post(client, "/voice/language?h=main&t=language", Digits="*7")))
    assert wrong[:2] == [("en-US", "Sorry, that key is not one of the choices."),
                         ("vi-VN", "Xin lỗi, phím này không có trong các lựa chọn.")]
    wrong = says(twiml(post(client, "/voice/language?h=main&t=more", Digits="5")))
    assert wrong == [("ja-JP", "申し訳ありません。そのボタンは選べません。"),
                     ("es-MX", "Lo sentimos, esa tecla no es una de las opciones."),
                     ("ko-KR", "죄송합니다. 선택할 수 없는 번호입니다."), *SECOND]


def test_silence_at_the_first_list_ends_with_the_advice_in_the_welcome_languages(client):
    root = twiml(post(client, "/voice/language?h=main&t=language&s=3"))
    assert [child.tag for child in root] == ["Say"] * 4 + ["Hangup"]
    assert [language for language, _ in says(root)] == ["en-US", "en-US", "vi-VN", "vi-VN"]


def test_a_second_list_on_a_hotline_without_one_is_mended_into_the_first(make_app):
    client = make_app().test_client()  # tests/menus: three languages, no second list
    root = twiml(post(client, "/voice/language?h=main&t=more", Digits="3"))
    assert root.find("Gather").get("action") == "/voice/language?h=main&t=language&n=1"
    assert [language for language, _ in says(root)] == ["en-US", "ja-JP", "fil-PH"]


def test_every_language_is_reached_within_a_minute_words_times_rates(tmp_path):
    """The Nepali line is estimated from its words here (the test recordings are empty)."""
    tree = loader.load(str(LANGUAGES), str(audio(tmp_path / "audio"))).tree
    reached = {r.code: (r.key, round(r.seconds, 1))
               for r in timing.reach(tree, tree.default_hotline)}
    assert reached == {"en": ("1", 18.9), "tl": ("2", 21.2), "vi": ("3", 23.2),
                       "zh": ("4", 24.9), "th": ("5", 26.4), "id": ("6", 28.8),
                       "ne": ("7", 30.7), "pt": ("8", 32.4), "ja": ("9 then 1", 35.9),
                       "es": ("9 then 2", 39.2), "ko": ("9 then 3", 42.4)}
