"""The recordings page: which prompt has a recording in which language, uploads, deleting.

Viewers see the table and play the recordings; admins upload (checked by
the menus store: type, size, duration) and delete after a confirmation.
An upload is heard in calls at once, and served at /audio/ like a file of
the folder.
"""

from __future__ import annotations

import dataclasses
import io
import wave
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import AUDIO, MENUS, post, twiml
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from ivr.live import menus as live
from ivr.menustore import recordings as store
from ivr.menustore.schema import audit_log, recordings
from ivr.phonetree import loader
from ivr.phonetree.tree import frozen_map
from ivr.staff import recording_table

from .page import by_id, parse, texts, words
from .staff_support import PASSWORD, add_user, engine, log_in, text, token

MP3 = (Path(__file__).resolve().parents[1] / "fixtures" / "one-second.mp3").read_bytes()
TREE = loader.load(str(MENUS), str(AUDIO)).tree


def wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1), audio.setsampwidth(2), audio.setframerate(8000)
        audio.writeframes(b"\0\0" * int(seconds * 8000))
    return out.getvalue()


def upload(client, lang="en", prompt="menu.main", data=None, filename="main.wav", csrf=True):
    """Post the upload form as a browser does (encoded in memory: the test client would
    spool a large body to a temporary file that nobody closes)."""
    form = {"lang": lang, "prompt": prompt}
    if csrf:
        form["csrf_token"] = token(client, "/staff/recordings")
    if data is not None:
        form["file"] = FileStorage(io.BytesIO(data), filename)
    boundary, body = encode_multipart(form)
    return client.post("/staff/recordings", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def stored_rows(app) -> list[tuple]:
    with engine(app).connect() as connection:
        return [tuple(row) for row in connection.execute(sa.select(
            recordings.c.lang, recordings.c.name, recordings.c.ext, recordings.c.size,
            recordings.c.duration_ms, recordings.c.uploaded_by).order_by(recordings.c.id))]


def audit(app) -> list[tuple]:
    with engine(app).connect() as connection:
        return [tuple(row) for row in connection.execute(sa.select(
            audit_log.c.actor, audit_log.c.action, audit_log.c.target, audit_log.c.detail)
            .order_by(audit_log.c.id))]


def cell(page, lang: str, name: str) -> tuple[str, str | None]:
    found = by_id(page, f"{lang}-{name}")
    player = found.find("audio")
    return words(found.find("span[@class='state']")), None if player is None else \
        player.get("src")


@pytest.fixture
def folder(tmp_path):
    """An audio folder with two English recordings."""
    english = tmp_path / "audio" / "en"
    english.mkdir(parents=True)
    (english / "menu.main.wav").write_bytes(wav())
    (english / "goodbye.wav").write_bytes(wav())
    return tmp_path / "audio"


def test_the_table_says_where_each_recording_comes_from(staff_app, folder, clock):
    app = staff_app(IVR_AUDIO_DIR=str(folder))
    with engine(app).begin() as connection:
        store.put(connection, "en", "goodbye", MP3, "alice", clock())
        store.put(connection, "tl", "greeting", wav(), "alice", clock())
        store.put(connection, "ja", "menu.gone", wav(), "alice", clock())
    add_user(app, "victor", "viewer")
    client = app.test_client()
    log_in(client, "victor", PASSWORD)
    page = parse(text(client.get("/staff/recordings")))
    assert cell(page, "en", "menu.main") == ("in the audio folder", "/audio/en/menu.main.wav")
    assert cell(page, "en", "goodbye") == ("uploaded (replaces the folder's)",
                                          "/audio/en/goodbye.mp3")
    assert cell(page, "tl", "greeting") == ("uploaded", "/audio/tl/greeting.wav")
    assert cell(page, "ja", "greeting") == ("text-to-speech", None)
    assert texts(by_id(page, "recording-languages"), ".//tbody/tr") == [
        "English (en) Twilio voice: recordings are optional 1 1 -",
        "日本語 (ja) Twilio voice: recordings are optional 0 0 -",
        "Tagalog (tl) Twilio voice: recordings are optional 1 0 -"]
    rows = page.findall(".//table[@id='recordings-table']/tbody/tr")
    assert [row.get("data-prompt") for row in rows] == recording_table.fixed_sentences(TREE)
    main = next(row for row in rows if row.get("data-prompt") == "menu.main")
    assert words(main.find("th")) == "menu.main Please choose what you need."
    assert texts(by_id(page, "recordings-stray"), "li") == [
        "ja/menu.gone.wav (uploaded)"]
    assert page.find(".//form[@id='upload-form']") is None  # viewers only look
    assert page.find(".//a[@class='delete']") is None


def test_an_admin_uploads_a_recording_and_calls_play_it(app, admin_client, clock):
    response = upload(admin_client, "en", "menu.main", wav(1.5))
    assert (response.status_code, response.headers["Location"]) == (
        302, "/staff/recordings?lang=en#en-menu.main")
    assert stored_rows(app) == [("en", "menu.main", ".wav", len(wav(1.5)), 1500, "alice")]
    assert audit(app) == [("alice", "recording.upload", "en/menu.main", {
        "type": ".wav", "bytes": len(wav(1.5)), "seconds": 1.5, "replaced": False})]
    page = parse(text(admin_client.get("/staff/recordings")))
    assert texts(page, ".//p[@class='flash flash-info']") == [
        "Uploaded en/menu.main.wav (menu.main: Please choose what you need.). This server "
        "routes calls by it now; other servers and workers only when they restart "
        "(IVR_MENU_RELOAD_SECONDS is 0)."]
    assert cell(page, "en", "menu.main") == ("uploaded", "/audio/en/menu.main.wav")
    gather = twiml(post(app.test_client(), "/voice/language?h=main&t=language", Digits="1"))
    assert (gather.find("Gather")[0].tag, gather.find("Gather")[0].text) == (
        "Play", "http://localhost/audio/en/menu.main.wav")
    served = app.test_client().get("/audio/en/menu.main.wav")
    assert (served.status_code, served.data) == (200, wav(1.5))


def test_an_upload_replaces_the_last_one(app, admin_client):
    upload(admin_client, "tl", "goodbye", wav(1))
    upload(admin_client, "tl", "goodbye", MP3, "bye.mp3")
    assert stored_rows(app) == [("tl", "goodbye", ".mp3", len(MP3), 1152, "alice")]
    assert [row[3]["replaced"] for row in audit(app)] == [False, True]


@pytest.mark.parametrize(("lang", "prompt", "data", "problems"), [
    ("en", "menu.main", b"hello, not audio", [
        "The file is neither wav nor mp3 audio: export it as wav (8 kHz mono is best for "
        "telephone calls) or mp3."]),
    ("en", "menu.main", wav(0.2), ["The recording lasts 0.2 s: it must last between 0.5 s "
                                   "and 120 s."]),
    ("en", "menu.main", b"RIFF\0\0\0\0WAVEjunk", [
        "The wav file cannot be read (not a WAVE file): export it again as "
        "PCM wav."]),
    ("en", "menu.main", None, ["Choose the file to upload (wav or mp3)."]),
    ("en", "menu.mian", wav(), ["English (en) has no prompt 'menu.mian': choose one from "
                                "the list."]),
    ("en", "service.iom", wav(), ["English (en) has no prompt 'service.iom': choose one "
                                  "from the list."]),
    ("xx", "menu.main", wav(), ["Choose a language of the menus."]),
])
def test_a_refused_upload_says_why_and_stores_nothing(app, admin_client, lang, prompt, data,
                                                      problems):
    response = upload(admin_client, lang, prompt, data)
    assert response.status_code == 400
    page = parse(text(response))
    assert texts(by_id(page, "upload-problems"), ".//li") == problems
    assert stored_rows(app) == [] and audit(app) == []


def test_a_file_too_large_is_refused_clearly(app, admin_client):
    big = upload(admin_client, "en", "menu.main", b"RIFF" + b"\0" * (6 * 1024 * 1024))
    assert big.status_code == 400
    assert texts(parse(text(big)), ".//*[@id='upload-problems']//li") == [
        "The file is 6.3 MB: at most 5 MB, please (a minute of telephone audio is well under "
        "1 MB)."]
    huge = upload(admin_client, "en", "menu.main", b"\0" * (11 * 1024 * 1024))
    assert huge.status_code == 413
    assert texts(parse(text(huge)), ".//*[@id='upload-problems']//li") == [
        "The file is far too large: at most 5 MB, please (a minute of telephone audio is well "
        "under 1 MB)."]
    assert stored_rows(app) == []


def test_viewers_and_forms_without_a_token_cannot_upload(app, viewer_client, admin_client):
    assert upload(viewer_client, "en", "menu.main", wav()).status_code == 403
    no_token = upload(admin_client, "en", "menu.main", wav(), csrf=False)
    assert no_token.status_code == 400
    assert "This form has expired" in text(no_token)
    assert stored_rows(app) == []


def test_deleting_asks_first_then_the_folder_or_speech_plays_again(
        staff_app, folder, clock):
    app = staff_app(IVR_AUDIO_DIR=str(folder))
    add_user(app, "alice", "admin")
    client = app.test_client()
    log_in(client, "alice", PASSWORD)
    upload(client, "en", "goodbye", MP3, "bye.mp3")
    upload(client, "ja", "goodbye", wav())
    question = parse(text(client.get("/staff/recordings/en/goodbye/delete")))
    assert words(by_id(question, "delete-question")) == (
        "Callers will hear the audio folder's recording (en/goodbye.wav). This cannot be "
        "undone: upload it again to bring it back.")
    assert len(stored_rows(app)) == 2
    url = "/staff/recordings/en/goodbye/delete"
    done = client.post(url, data={"csrf_token": token(client, "/staff/recordings")})
    assert (done.status_code, done.headers["Location"]) == (302, "/staff/recordings")
    assert stored_rows(app) == [("ja", "goodbye", ".wav", len(wav()), 1000, "alice")]
    assert audit(app)[-1] == ("alice", "recording.delete", "en/goodbye", {})
    page = parse(text(client.get("/staff/recordings")))
    assert cell(page, "en", "goodbye") == ("in the audio folder", "/audio/en/goodbye.wav")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"csrf_token": token(client, "/staff/recordings")}
                       ).status_code == 404


def voiceless(tree, code: str):
    """``tree`` with language ``code`` stripped of its Twilio voice."""
    language = tree.languages[code]
    mute = dataclasses.replace(language, voice=dataclasses.replace(language.voice,
                                                                   language=None))
    return dataclasses.replace(tree, languages=frozen_map({**tree.languages, code: mute}))


def test_a_language_without_a_voice_needs_every_piece():
    tree = voiceless(TREE, "tl")
    stored = {("tl", "greeting"): "tl/greeting.wav", ("en", "service.iom"): "en/service.iom.wav"}
    table = recording_table.build(tree, stored, {("tl", "weekday.mon"): "tl/weekday.mon.mp3"})
    columns = {c.code: (c.voiced, len(c.usable), c.uploaded, c.in_folder, c.missing)
               for c in table.columns}
    needed = len(recording_table.needed(tree, "tl"))
    assert columns == {"en": (True, 34, 0, 0, 0), "ja": (True, 34, 0, 0, 0),
                       "tl": (False, needed, 1, 1, needed - 2)}
    row = {r.name: r for r in table.rows}
    assert [c.state for c in row["service.iom"].cells] == ["unused", "unused", "missing"]
    assert [c.state for c in row["weekday.mon"].cells] == ["unused", "unused", "folder"]
    assert [c.state for c in row["greeting"].cells] == ["optional", "optional", "database"]
    assert [(c.lang, c.name, c.state) for c in table.stray] == [
        ("en", "service.iom", "database")]


def test_a_recording_a_voiceless_language_needs_cannot_be_deleted(staff_app, menus_copy,
                                                                 tmp_path, clock):
    from test_new_language import add_language

    add_language(menus_copy, "ne", "    say:\n      language: en-US\n")
    needed = recording_table.needed(loader.load(str(menus_copy), str(AUDIO)).tree, "ne")
    spoken = menus_copy / "languages" / "ne.yaml"
    spoken.write_text(spoken.read_text("utf-8").replace(
        "    say:\n      language: en-US\n", "    say: none\n"), encoding="utf-8")
    audio = tmp_path / "audio" / "ne"
    audio.mkdir(parents=True)
    for name in needed[1:]:
        (audio / f"{name}.wav").write_bytes(wav())
    app = staff_app(IVR_MENUS_DIR=str(menus_copy), IVR_AUDIO_DIR=str(audio.parent))
    with engine(app).begin() as connection:
        store.put(connection, "ne", needed[0], wav(), "alice", clock())
    assert live.of(app).check() and live.of(app).errors == []
    add_user(app, "alice", "admin")
    client = app.test_client()
    log_in(client, "alice", PASSWORD)
    url = f"/staff/recordings/ne/{needed[0]}/delete"
    for ask in (lambda: client.get(url), lambda: client.post(url, data={
            "csrf_token": token(client, "/staff/recordings")})):
        response = ask()
        assert (response.status_code, response.headers["Location"]) == (302, "/staff/recordings")
        page = parse(text(client.get("/staff/recordings")))
        assert texts(page, ".//p[@class='flash flash-error']") == [
            f"NE (ne) has no Twilio voice and cannot do without '{needed[0]}': upload a new "
            "recording to replace it instead."]
    assert stored_rows(app) == [("ne", "greeting", ".wav", len(wav()), 1000, "alice")]
    assert upload(client, "ne", needed[0], wav(2)).status_code == 302
