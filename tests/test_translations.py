"""Each language complete or refused, its status stated, drafts and placeholders warned of.

On copies of the fixture of the eleven languages (tests/menus-languages),
with its Nepali recordings as placeholders (tests/languages_support.py).
"""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path

import pytest
from languages_support import LANGUAGES, audio

from ivr.live import menus as live
from ivr.menustore import recordings as stored
from ivr.phonetree import loader, translations
from ivr.phonetree.bundle import PLACEHOLDERS, Bundle, read_folder

LOADED = ("OK", [])


@pytest.fixture
def menus(tmp_path) -> Path:
    folder = tmp_path / "menus"
    shutil.copytree(LANGUAGES, folder)
    audio(tmp_path / "audio", folder)
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> int:
    """Replace ``old`` (once in ``file``) by ``new``; the line where it was."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def problems(folder: Path) -> tuple[str, list[str]]:
    try:
        result = loader.load(str(folder), str(folder.parent / "audio"))
    except loader.LoadError as exc:
        return "refused", [str(p) for p in exc.problems if p.level == "error"]
    return "OK", [str(p) for p in result.warnings if "machine draft" not in str(p)
                  and "placeholders" not in str(p)]


def test_a_half_translated_language_file_is_refused_with_file_line_and_what_is_missing(menus):
    edit(menus, "languages/th.yaml", "      closed_break: ขณะนี้เป็นเวลาพักกลางวัน\n", "")
    edit(menus, "languages/th.yaml", "    weekdays: [วันจันทร์, วันอังคาร, วันพุธ, วันพฤหัสบดี, "
         "วันศุกร์, วันเสาร์, วันอาทิตย์]\n", "    weekdays: [วันจันทร์, วันอังคาร]\n")
    assert problems(menus) == ("refused", [
        "menus/languages/th.yaml:15: error: language 'th': 'weekdays' must list the 7 weekdays, "
        "Monday first",
        "menus/languages/th.yaml:29: error: language 'th': phrases missing: closed_break (copy "
        "them from another language's file and translate them)"])


def test_a_label_missing_in_one_language_is_refused_with_its_place(menus):
    edit(menus, "main.yaml", "          th: ไอโอเอ็ม โตเกียว\n", "")
    label = (menus / "main.yaml").read_text(encoding="utf-8").splitlines().index(
        "          en: IOM Tokyo")  # the line of 'label:', just above
    assert problems(menus) == ("refused", [
        f"menus/main.yaml:{label}: error: menu 'info', option '4' label has no text in th"])


def test_every_language_names_the_languages_services_speak(menus):
    edit(menus, "languages/id.yaml", "ne: bahasa Nepal, ", "")
    assert problems(menus) == ("refused", [
        "menus/languages/id.yaml:25: error: language 'id' has no name for ne under "
        "'language_names' (services speak them, e.g. 'houterasu': callers who speak another "
        "language hear which languages a service speaks)"])


def test_every_language_names_the_keys_callers_are_told_to_press(menus):
    edit(menus, "languages/vi.yaml", '      "*": phím sao\n', "")
    assert problems(menus) == ("refused", [
        "menus/languages/vi.yaml:18: error: language 'vi' has no name for the key '*' under "
        "'keys' (hotline 'main' tells callers to press it)"])


def test_the_welcome_names_languages_of_the_hotline(menus):
    line = edit(menus, "hotline.yaml", "welcome: [en, vi]", "welcome: [en, my]")
    assert problems(menus) == ("refused", [
        f"menus/hotline.yaml:{line}: error: hotline 'main': 'welcome' names 'my', which is not "
        "one of its languages"])


@pytest.mark.parametrize(("old", "new", "message"), [
    ("      state: machine draft\n", "      state: reviewd\n",
     "menus/languages/es.yaml:10: error: language 'es', status: 'state' 'reviewd' is not a "
     "translation status: write one of source, machine draft, draft, reviewed (did you mean "
     "'reviewed'?)"),
    ("      state: machine draft\n      by: the project's engineers, with machine translation\n",
     "      state: reviewed\n",
     "menus/languages/es.yaml:9: error: language 'es', status: a reviewed translation says who "
     "reviewed it ('by': a role, such as 'certified Vietnamese translator', never a private "
     "person's name) and when ('on': the date)"),
])
def test_a_status_is_one_of_four_and_a_review_says_by_whom_and_when(menus, old, new, message):
    edit(menus, "languages/es.yaml", old, new)
    assert problems(menus) == ("refused", [message])


def test_drafts_and_placeholders_are_warned_of_and_reviewed_ones_are_not(menus):
    edit(menus, "languages/es.yaml", "      state: machine draft\n      by: the project's "
         "engineers, with machine translation\n      on: 2026-12-01\n",
         "      state: reviewed\n      by: certified Spanish translator\n      on: 2026-12-20\n")
    result = loader.load(str(menus), str(menus.parent / "audio"))
    warned = [str(p) for p in result.warnings]
    assert [w for w in warned if "'es'" in w] == []
    assert "menus/languages/pt.yaml:9: warning: language 'pt' (Português) is a machine draft, " \
           "not reviewed: callers may hear mistakes; have a translator review it (flask --app " \
           "ivr menus export-texts pt)" in warned
    assert "menus/languages/ne.yaml:5: warning: language 'ne': 164 of its recordings are " \
           "placeholders made by a speech synthesiser, not spoken by a person nor reviewed: " \
           "replace them (audio/README.md)" in warned
    states = {s.code: s for s in translations.summary(result.tree)}
    assert states["es"].status_text == "reviewed by certified Spanish translator on 2026-12-20"
    assert states["ne"].recordings_text == "164 of 164 recorded, 164 placeholder(s) (not reviewed)"
    assert translations.lines(list(states.values()))[-1] == (
        "Reviewed: es. Drafts, not reviewed: tl, vi, zh, th, id, ne, pt, ja, ko. "
        "Source text: en.")


def test_a_placeholder_replaced_by_a_recording_is_no_longer_one(menus):
    folder = menus.parent / "audio" / "ne"
    (folder / "greeting.wav").write_bytes(b"RIFF a person's recording")
    tree = loader.load(str(menus), str(menus.parent / "audio")).tree
    assert ("ne", "greeting") in tree.recordings
    assert ("ne", "greeting") not in tree.placeholders
    assert ("ne", "goodbye") in tree.placeholders
    assert "greeting.wav" in (folder / PLACEHOLDERS).read_text(encoding="utf-8")


def test_a_missing_recording_is_said_at_load_time(menus):
    (menus.parent / "audio" / "ne" / "time.1330.wav").unlink()
    status, errors = problems(menus)
    assert status == "refused"
    assert errors == ["menus/languages/ne.yaml:5: error: language 'ne' has no Twilio voice, so it "
                      "needs recordings; missing in audio/ne/: time.1330.wav (list them all: "
                      "flask --app ivr menus recordings ne)"]


def test_placeholders_travel_with_the_bundle_and_leave_older_versions_alone(menus):
    bundle = read_folder(str(menus), str(menus.parent / "audio"))
    assert len(bundle.placeholders) == 164
    again = Bundle.from_data(bundle.to_data())
    assert again.placeholders == bundle.placeholders and again.version == bundle.version
    plain = read_folder(str(menus), str(menus.parent / "nothing"))
    assert "placeholders" not in plain.to_data()


def test_menus_check_lists_which_languages_are_reviewed_and_which_are_drafts(make_app, menus):
    app = make_app(IVR_MENUS_DIR=str(menus), IVR_AUDIO_DIR=str(menus.parent / "audio"))
    result = app.test_cli_runner().invoke(args=["menus", "check"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "Languages:",
        "  en English: source text; Polly.Joanna (en-US), no recordings",
        "  tl Tagalog: machine draft (2026-12-01), not reviewed; Google.fil-PH-Standard-A "
        "(fil-PH), no recordings",
        "  vi Tiếng Việt: machine draft (2026-12-01), not reviewed; Google.vi-VN-Standard-A "
        "(vi-VN), no recordings",
        "  zh 中文: machine draft (2026-12-01), not reviewed; Polly.Zhiyu (cmn-CN), no recordings",
        "  th ภาษาไทย: machine draft (2026-12-01), not reviewed; Google.th-TH-Standard-A (th-TH), "
        "no recordings",
        "  id Bahasa Indonesia: machine draft (2026-12-01), not reviewed; Google.id-ID-Standard-A "
        "(id-ID), no recordings",
        "  ne नेपाली: machine draft (2026-12-01), not reviewed; recordings only, 164 of 164 "
        "recorded, 164 placeholder(s) (not reviewed)",
        "  pt Português: machine draft (2026-12-01), not reviewed; Polly.Camila (pt-BR), no "
        "recordings",
        "  ja 日本語: machine draft (2026-12-01), not reviewed; Polly.Mizuki (ja-JP), no "
        "recordings",
        "  es Español: machine draft (2026-12-01), not reviewed; Polly.Mia (es-MX), no recordings",
        "  ko 한국어: machine draft (2026-12-01), not reviewed; Polly.Seoyeon (ko-KR), no "
        "recordings",
        "Reviewed: none. Drafts, not reviewed: tl, vi, zh, th, id, ne, pt, ja, es, ko. "
        "Source text: en."]


def test_a_recording_uploaded_by_staff_replaces_its_placeholder(make_app, migrated_url, tmp_path,
                                                               clock):
    sound = io.BytesIO()
    with wave.open(sound, "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    app = make_app(DATABASE_URL=migrated_url, IVR_MENUS_SOURCE="database",
                   IVR_MENUS_DIR=str(LANGUAGES), IVR_AUDIO_DIR=str(audio(tmp_path / "audio")))
    assert ("ne", "greeting") in live.of(app).current.tree.placeholders
    with app.extensions["ivr.menus_engine"]().begin() as connection:
        stored.put(connection, "ne", "greeting", sound.getvalue(), "alice", clock())
    assert live.of(app).check() is True
    tree = live.of(app).current.tree
    assert ("ne", "greeting") not in tree.placeholders
    assert ("ne", "goodbye") in tree.placeholders
