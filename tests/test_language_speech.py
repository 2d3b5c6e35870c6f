"""Numbers and times said the way each language says them, on the fixture of eleven languages."""

from __future__ import annotations

import pytest
from languages_support import LANGUAGES, audio

from ivr.phonetree import loader, speech
from ivr.phonetree.speech import Utterance


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return loader.load(str(LANGUAGES), str(audio(tmp_path_factory.mktemp("audio")))).tree


def said(tree, lang: str, parts) -> str:
    return Utterance(lang, tuple(parts)).text


@pytest.mark.parametrize(("lang", "number", "expected"), [
    ("en", "03-3595-2487", "Zero, three. three, five, nine, five. two, four, eight, seven"),
    ("ja", "03-3595-2487", "ゼロ、さん、の、さん、ごー、きゅう、ごー、の、にー、よん、はち、なな"),
    ("zh", "050-3754-5430", "零，五，零。三，七，五，四。五，四，三，零"),
    ("zh", "0570-090911", "零，五，七，零。零，九，零，九，幺，幺"),
    ("pt", "03-5363-3013", "Zero, três. cinco, três, meia, três. três, zero, um, três"),
    ("ko", "03-3501-0110", "공, 삼에, 삼, 오, 공, 일에, 공, 일, 일, 공"),
    ("th", "050-3754-5430", "ศูนย์, ห้า, ศูนย์. สาม, เจ็ด, ห้า, สี่. ห้า, สี่, สาม, ศูนย์"),
    ("th", "03-3595-2487", "ศูนย์, สาม. สาม, ห้า, เก้า, ห้า. โท, สี่, แปด, เจ็ด"),
    ("vi", "03-3501-0110", "Không, ba. ba, năm, không, một. không, một, một, không"),
])
def test_a_phone_number_digit_by_digit_as_the_language_reads_it(tree, lang, number, expected):
    assert said(tree, lang, speech.digits(tree.languages[lang], number)) == expected


@pytest.mark.parametrize(("lang", "minutes", "expected"), [
    ("en", 13 * 60 + 30, "1:30 in the afternoon"), ("en", 9 * 60, "9 in the morning"),
    ("en", 17 * 60 + 15, "5:15 in the afternoon"), ("en", 0, "12 at night"),
    ("tl", 13 * 60 + 30, "1:30 ng hapon"), ("tl", 12 * 60 + 30, "12:30 ng tanghali"),
    ("ja", 13 * 60 + 30, "13時30分"), ("ja", 9 * 60, "9時"),
    ("zh", 13 * 60 + 30, "下午1点30分"), ("zh", 9 * 60, "上午9点"),
    ("zh", 12 * 60 + 30, "中午12点30分"),
    ("ko", 13 * 60 + 30, "오후 1시 30분"), ("ko", 9 * 60, "오전 9시"),
    ("vi", 13 * 60 + 30, "13 giờ 30"), ("th", 13 * 60 + 30, "13 นาฬิกา 30 นาที"),
    ("id", 13 * 60 + 30, "pukul 13 lewat 30 menit"), ("pt", 13 * 60 + 30, "13 horas e 30"),
    ("es", 13 * 60 + 30, "13:30"), ("ne", 13 * 60 + 30, "दिउँसो 1:30 बजे"),
])
def test_a_time_as_the_language_says_it(tree, lang, minutes, expected):
    assert speech.time_of_day(tree.languages[lang], minutes).text == expected


def test_languages_named_in_the_callers_language(tree):
    vi = tree.languages["vi"]
    assert said(tree, "vi", speech.language_list(vi, ("en", "ja"))) == "Tiếng Anh và tiếng Nhật"
    zh = tree.languages["zh"]
    assert said(tree, "zh", speech.language_list(zh, ("en", "zh", "ko"))) == "英语、中文和韩语"
