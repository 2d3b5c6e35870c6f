"""Notices (expiring, withdrawn, audited) and uploaded recordings (checked, replaced, audited)."""

from __future__ import annotations

import io
import wave
from datetime import timedelta
from pathlib import Path

import pytest

from ivr.menustore import notices, recordings
from ivr.menustore.notices import NoticeError
from ivr.menustore.recordings import RecordingError

from .conftest import NOW, audit_rows

HOUR = timedelta(hours=1)
REASON = {"en": "the office is moving", "ja": "事務所移転のため", "tl": "lilipat ang opisina"}
MP3 = (Path(__file__).resolve().parents[1] / "fixtures" / "one-second.mp3").read_bytes()


def wav(seconds: float, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1), audio.setsampwidth(2), audio.setframerate(rate)
        audio.writeframes(b"\0\0" * int(seconds * rate))
    return out.getvalue()


def close_iom(engine, start=NOW, end=NOW + 8 * HOUR, services=("iom",)):
    with engine.begin() as connection:
        return notices.create(connection, services=services, open=False, start=start, end=end,
                              reason=REASON, note="IOM phoned at 8", author="alice", now=NOW)


def test_a_notice_is_in_force_until_it_ends_or_is_withdrawn(engine):
    first = close_iom(engine)
    later = close_iom(engine, start=NOW + 2 * HOUR, services=())
    with engine.connect() as connection:
        assert [n.id for n in notices.in_force(connection, NOW)] == [first.notice.id,
                                                                     later.notice.id]
        assert notices.in_force(connection, NOW + 9 * HOUR) == []
    assert (first.state(NOW), later.state(NOW), first.state(NOW + 8 * HOUR)) == (
        "in force", "to come", "expired")
    assert first.notice.reason == REASON and later.notice.services == ()
    with engine.begin() as connection:
        withdrawn = notices.withdraw(connection, first.notice.id, "bob", NOW + HOUR)
    assert (withdrawn.state(NOW + HOUR), withdrawn.withdrawn_by) == ("withdrawn", "bob")
    with engine.connect() as connection:
        assert [n.id for n in notices.in_force(connection, NOW)] == [later.notice.id]
    assert audit_rows(engine) == [
        ("alice", "notice.create", "notice 1", {
            "services": ["iom"], "open": False, "start": NOW.isoformat(),
            "end": (NOW + 8 * HOUR).isoformat(), "note": "IOM phoned at 8"}),
        ("alice", "notice.create", "notice 2", {
            "services": "all", "open": False, "start": (NOW + 2 * HOUR).isoformat(),
            "end": (NOW + 8 * HOUR).isoformat(), "note": "IOM phoned at 8"}),
        ("bob", "notice.withdraw", "notice 1", {})]
    with engine.begin() as connection, pytest.raises(NoticeError) as raised:
        notices.withdraw(connection, first.notice.id, "bob", NOW)
    assert str(raised.value) == "notice 1 does not exist or was withdrawn already"


@pytest.mark.parametrize(("start", "end", "message"), [
    (NOW, NOW, "the notice must end after it starts"),
    (NOW - 3 * HOUR, NOW - HOUR, "the notice would already have ended: choose a later end"),
])
def test_a_notice_must_end_in_the_future(engine, start, end, message):
    with pytest.raises(NoticeError) as raised:
        close_iom(engine, start, end)
    assert str(raised.value) == message


def test_recent_notices_leave_out_those_ended_long_ago(engine):
    close_iom(engine)
    with engine.connect() as connection:
        assert len(notices.recent(connection, NOW + 29 * 24 * HOUR)) == 1
        assert notices.recent(connection, NOW + 31 * 24 * HOUR) == []


@pytest.mark.parametrize(("data", "found"), [
    (wav(1.0), (".wav", 1000)), (wav(2.5, 16000), (".wav", 2500)),
    (MP3, (".mp3", 1200)),  # 1 s of sound, and the encoder's padding frames
])
def test_wav_and_mp3_are_recognised_by_their_content(data, found):
    ext, ms = recordings.inspect(data)
    assert (ext, round(ms, -2)) == found


@pytest.mark.parametrize(("data", "message"), [
    (b"hello, this is text", "the file is neither wav nor mp3 audio: export it as wav "
                            "(8 kHz mono is best for telephone calls) or mp3"),
    (wav(0.2), "the recording lasts 0.2 s: it must last between 0.5 s and 120 s"),
    (wav(121), "the recording lasts 121.0 s: it must last between 0.5 s and 120 s"),
    (b"RIFF\0\0\0\0WAVEjunk", "the wav file cannot be read (not a WAVE file): "
                             "export it again as PCM wav"),
    (b"RIFF" + b"\0" * (6 * 1024 * 1024), "the file is 6.3 MB: at most 5 MB, please (a minute "
                                          "of telephone audio is well under 1 MB)"),
])
def test_anything_else_is_refused_with_a_reason(data, message):
    with pytest.raises(RecordingError) as raised:
        recordings.inspect(data)
    assert str(raised.value) == message


def test_a_recording_is_stored_served_and_replaced(engine):
    with engine.begin() as connection:
        first = recordings.put(connection, "ne", "greeting", wav(1.0), "alice", NOW)
    assert (first.mimetype, first.content[:4]) == ("audio/wav", b"RIFF")
    with engine.begin() as connection:
        recordings.put(connection, "ne", "greeting", MP3, "bob", NOW)
    with engine.connect() as connection:
        assert recordings.names(connection) == {("ne", "greeting"): "ne/greeting.mp3"}
        assert recordings.get(connection, "ne", "greeting.wav") is None
        served = recordings.get(connection, "ne", "greeting.mp3")
    assert (served.content, served.mimetype) == (MP3, "audio/mpeg")
    assert [row[:3] for row in audit_rows(engine)] == [
        ("alice", "recording.upload", "ne/greeting"), ("bob", "recording.upload", "ne/greeting")]
    assert audit_rows(engine)[1][3] == {"type": ".mp3", "bytes": len(MP3), "seconds": 1.2,
                                        "replaced": True}
    with engine.begin() as connection:
        assert recordings.remove(connection, "ne", "greeting", "bob", NOW) is True
        assert recordings.remove(connection, "ne", "greeting", "bob", NOW) is False
        assert recordings.names(connection) == {}


@pytest.mark.parametrize(("lang", "name"), [("../x", "greeting"), ("ne", "../../etc/passwd"),
                                            ("ne", "")])
def test_odd_languages_and_names_are_refused(engine, lang, name):
    with engine.begin() as connection, pytest.raises(RecordingError) as raised:
        recordings.put(connection, lang, name, wav(1.0), "alice", NOW)
    assert str(raised.value) == "choose a language and a prompt from the lists"
