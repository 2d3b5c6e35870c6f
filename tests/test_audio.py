"""/audio/<lang>/<file>: uploads from the database, else the folder, with Twilio's cache headers.

A recording uploaded on one instance is served by every instance at the same
URL a folder file would have; the upload wins over a file of the same
prompt. Both answer conditional requests with 304, and a stored one keeps
playing from memory while the database is down.
"""

from __future__ import annotations

import io
import wave
from datetime import datetime
from email.utils import format_datetime

import pytest
from conftest import _postgres_outage

from ivr.menustore import recordings

UPLOADED = datetime.fromisoformat("2026-11-24T01:00:00+00:00")


def wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1), audio.setsampwidth(2), audio.setframerate(8000)
        audio.writeframes(b"\1\0" * int(seconds * 8000))
    return out.getvalue()


def put(app, lang: str, name: str, data: bytes, now: datetime = UPLOADED):
    with app.extensions["ivr.menus_engine"]().begin() as connection:
        return recordings.put(connection, lang, name, data, "alice", now)


@pytest.fixture
def two(make_app, migrated_url, tmp_path):
    """Two instances sharing one database, and the audio folder of the first."""
    folder = tmp_path / "audio"
    (folder / "en").mkdir(parents=True)
    made = [make_app(DATABASE_URL=migrated_url, IVR_AUDIO_DIR=str(folder),
                     INSTANCE_PATH=str(tmp_path / name)) for name in ("one", "two")]
    return (*made, folder)


def test_an_upload_is_served_by_every_instance_with_cache_headers(two):
    one, other, _ = two
    stored = put(one, "en", "menu.main", wav())
    client = other.test_client()
    served = client.get("/audio/en/menu.main.wav")
    assert (served.status_code, served.data, served.mimetype) == (200, wav(), "audio/wav")
    assert served.headers["ETag"] == f'"{stored.sha256}"'
    assert served.headers["Last-Modified"] == "Tue, 24 Nov 2026 01:00:00 GMT"
    assert served.headers["Cache-Control"] == "public, max-age=300"
    assert served.headers["Accept-Ranges"] == "bytes"
    again = client.get("/audio/en/menu.main.wav", headers={"If-None-Match": f'"{stored.sha256}"'})
    assert (again.status_code, again.data) == (304, b"")
    assert again.headers["ETag"] == f'"{stored.sha256}"'
    since = client.get("/audio/en/menu.main.wav", headers={
        "If-Modified-Since": format_datetime(UPLOADED, usegmt=True)})
    assert since.status_code == 304
    part = client.get("/audio/en/menu.main.wav", headers={"Range": "bytes=0-3"})
    assert (part.status_code, part.data) == (206, b"RIFF")
    assert client.get("/audio/en/menu.main.mp3").status_code == 404


def test_a_new_upload_changes_the_etag_and_is_served_at_once(two):
    one, other, _ = two
    first = put(one, "tl", "goodbye", wav(1))
    client = other.test_client()
    assert client.get("/audio/tl/goodbye.wav").data == wav(1)
    second = put(one, "tl", "goodbye", wav(2), datetime.fromisoformat("2026-11-25T01:00:00+00:00"))
    fresh = client.get("/audio/tl/goodbye.wav", headers={"If-None-Match": f'"{first.sha256}"'})
    assert (fresh.status_code, fresh.data) == (200, wav(2))
    assert fresh.headers["ETag"] == f'"{second.sha256}"' != f'"{first.sha256}"'
    with one.extensions["ivr.menus_engine"]().begin() as connection:
        recordings.remove(connection, "tl", "goodbye", "alice", UPLOADED)
    assert client.get("/audio/tl/goodbye.wav").status_code == 404


def test_a_folder_recording_has_its_own_cache_headers_and_an_upload_wins(two):
    one, _, folder = two
    (folder / "en" / "goodbye.wav").write_bytes(wav(1))
    client = one.test_client()
    with client.get("/audio/en/goodbye.wav") as served:  # a file: closed after reading
        assert (served.status_code, served.data, served.mimetype) == (200, wav(1),
                                                                      "audio/x-wav")
        assert served.headers["Cache-Control"] == "public, max-age=3600"
        assert served.headers["Last-Modified"]
        etag = served.headers["ETag"]
    with client.get("/audio/en/goodbye.wav", headers={"If-None-Match": etag}) as cached:
        assert (cached.status_code, cached.data) == (304, b"")
    stored = put(one, "en", "goodbye", wav(2))
    assert client.get("/audio/en/goodbye.wav", headers={"If-None-Match": etag}).data == wav(2)
    assert client.get("/audio/en/goodbye.wav").headers["ETag"] == f'"{stored.sha256}"'
    assert client.get("/audio/en/../../secret.wav").status_code == 404


@pytest.fixture
def pg_outage(request):
    yield from _postgres_outage(request.getfixturevalue("postgres_url"))


@pytest.mark.postgres
def test_a_recording_served_lately_plays_on_while_the_database_is_down(make_app, pg_outage,
                                                                      caplog):
    app = make_app(DATABASE_URL=pg_outage.url)
    put(app, "en", "menu.main", wav())
    client = app.test_client()
    assert client.get("/audio/en/menu.main.wav").data == wav()
    pg_outage.block()
    try:
        served = client.get("/audio/en/menu.main.wav")
        unknown = client.get("/audio/en/goodbye.wav")
    finally:
        pg_outage.unblock()
    assert (served.status_code, served.data) == (200, wav())
    assert unknown.status_code == 404
    assert caplog.text.count("recordings: the database cannot be reached") == 1
