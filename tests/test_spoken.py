"""Before a connection: is it a line that speaks the caller's language? If not, say so, and
offer first an open service that does.

Through the real webhooks, on the fixture of the eleven languages. IOM Tokyo
speaks English and Japanese; Houterasu speaks ten languages, Vietnamese among
them; the police lines speak English; FRESC lists no languages (unknown: it
says nothing).
"""

from __future__ import annotations

import pytest
from conftest import jst, post, says, twiml
from languages_support import LANGUAGES, audio

from ivr.call import engine, spoken
from ivr.call.engine import Kind, Place
from ivr.call.events import Kind as E
from ivr.phonetree import loader

HINTS = [("vi-VN", "Để nghe lại, xin bấm phím sao."), ("vi-VN", "Để quay lại, xin bấm phím 0.")]


@pytest.fixture
def client(make_app, tmp_path, clock):
    clock.now = jst("2026-11-24 10:00")  # a Tuesday morning: every office open
    app = make_app(IVR_MENUS_DIR=str(LANGUAGES), IVR_AUDIO_DIR=str(audio(tmp_path / "audio")))
    return app.test_client()


def test_a_vietnamese_caller_choosing_iom_is_offered_houterasu_first(client):
    root = twiml(post(client, "/voice/menu?h=main&l=vi&t=main", Digits="4"))
    gather = root.find("Gather")
    assert says(gather) == [
        ("vi-VN", "IOM Tokyo hỗ trợ bằng tiếng Anh và tiếng Nhật."),
        ("vi-VN", "Để gọi Trung tâm hỗ trợ pháp lý Houterasu, nơi hỗ trợ bằng tiếng của bạn và "
                  "hiện đang làm việc, xin bấm phím 1."),
        ("vi-VN", "Để vẫn gọi IOM Tokyo, xin bấm phím 2."), *HINTS]
    assert gather.get("action") == \
        "/voice/offer?h=main&l=vi&t=iom&o=main&w=language&a=houterasu&n=1"
    assert root.find("Dial") is None


def test_the_language_offer_connects_the_choice_and_does_not_repeat_itself(client):
    offer = "/voice/offer?h=main&l=vi&t=iom&o=main&w=language&a=houterasu"
    anyway = twiml(post(client, offer, Digits="2"))
    assert says(anyway) == [("vi-VN", "Chúng tôi đang nối máy cho bạn đến IOM Tokyo. Xin vui "
                                      "lòng chờ.")]
    assert anyway.find("Dial/Number").text == "+81335952487"
    other = twiml(post(client, offer, Digits="1"))
    assert other.find("Dial/Number").text == "+815037545430"
    again = twiml(post(client, offer, Digits="*"))
    assert says(again)[0] == ("vi-VN", "IOM Tokyo hỗ trợ bằng tiếng Anh và tiếng Nhật.")
    wrong = says(twiml(post(client, offer, Digits="3")))
    assert wrong[0] == ("vi-VN", "Xin lỗi, phím này không có trong các lựa chọn.")


def test_without_an_open_alternative_that_speaks_it_the_caller_hears_which_languages_then_the_line(
        client):
    root = twiml(post(client, "/voice/menu?h=main&l=zh&t=main", Digits="1"))
    assert says(root) == [("cmn-CN", "东京警察的英语热线使用英语提供服务。"),
                          ("cmn-CN", "正在为您接通东京警察的英语热线，请稍候。")]
    assert root.find("Dial/Number").text == "+81335010110"


@pytest.mark.parametrize(("lang", "digit", "number"), [
    ("en", "4", "+81335952487"),   # IOM speaks English
    ("ja", "4", "+81335952487"),   # and Japanese
])
def test_a_service_that_speaks_the_callers_language_is_dialled_without_a_word(client, lang,
                                                                              digit, number):
    root = twiml(post(client, f"/voice/menu?h=main&l={lang}&t=main", Digits=digit))
    assert len(says(root)) == 1
    assert root.find("Dial/Number").text == number


def test_a_service_that_lists_no_languages_says_nothing_of_them(client):
    root = twiml(post(client, "/voice/menu?h=main&l=ko&t=legal", Digits="3"))
    assert says(root) == [
        ("ko-KR", "외국인 체류 지원 센터에 연결해 드리겠습니다. 잠시만 기다려 주십시오.")]


def test_a_closed_service_offers_first_the_open_ones_that_speak_the_callers_language(tmp_path):
    tree = loader.load(str(LANGUAGES), str(audio(tmp_path / "audio"))).tree
    lunch = jst("2026-11-24 12:45")  # IOM's lunch break; the others open
    place = Place(Kind.MENU, "main", "vi", "main")
    step = engine.respond(tree, place, "4", lunch)
    assert step.gather.action.alts == ("houterasu", "police-consultation", "police")
    english = engine.respond(tree, Place(Kind.MENU, "main", "en", "main"), "4", lunch)
    assert english.gather.action.alts == ("police-consultation", "houterasu", "police")
    assert [e.kind for e in step.events][:2] == [E.KEY_PRESSED, E.SERVICE_CHOSEN]


def test_what_speaks_what(tmp_path):
    tree = loader.load(str(LANGUAGES), str(audio(tmp_path / "audio"))).tree
    iom, fresc = tree.services["iom"], tree.services["fresc"]
    assert (spoken.speaks(iom, "ja"), spoken.foreign(iom, "vi"), spoken.foreign(fresc, "vi")) \
        == (True, True, False)
    assert spoken.preferred(tree, ["police", "fresc", "houterasu"], "ne") == \
        ["houterasu", "police", "fresc"]
