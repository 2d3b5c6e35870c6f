"""Recorded prompts uploaded by staff, kept in the database so every instance serves them.

A recording is the audio of one prompt in one language ("greeting" in
Nepali), wav or mp3. Uploads are checked before they are stored: the file
must really be wav or mp3 (by its content, not its name), not too big, and
between half a second and two minutes long; anything else gets a clear
error. A new upload of the same prompt replaces the old one (audited).
Recordings in the ``audio/`` folder still count; the database's win.
"""

from __future__ import annotations

import hashlib
import io
import re
import wave
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from mutagen import MutagenError
from mutagen.mp3 import MP3
from sqlalchemy.engine import Connection

from ivr.db.database import aware, naive
from ivr.menustore import audit
from ivr.menustore.schema import recordings

MAX_BYTES = 5 * 1024 * 1024
MIN_MS, MAX_MS = 500, 120_000
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class RecordingError(ValueError):
    """An upload that cannot be stored, with a message staff can act on."""


@dataclass(frozen=True)
class Audio:
    """A stored recording, as the audio route serves it."""

    lang: str
    name: str
    ext: str
    content: bytes
    sha256: str
    uploaded_at: datetime

    @property
    def mimetype(self) -> str:
        return "audio/wav" if self.ext == ".wav" else "audio/mpeg"


def inspect(data: bytes) -> tuple[str, int]:
    """The type (".wav" or ".mp3") and duration in ms of ``data``; RecordingError otherwise."""
    if len(data) > MAX_BYTES:
        raise RecordingError(f"the file is {len(data) / 1e6:.1f} MB: at most "
                             f"{MAX_BYTES // (1024 * 1024)} MB, please (a minute of telephone "
                             "audio is well under 1 MB)")
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        ext, ms = ".wav", _wav_ms(data)
    elif data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        ext, ms = ".mp3", _mp3_ms(data)
    else:
        raise RecordingError("the file is neither wav nor mp3 audio: export it as wav "
                             "(8 kHz mono is best for telephone calls) or mp3")
    if not MIN_MS <= ms <= MAX_MS:
        raise RecordingError(f"the recording lasts {ms / 1000:.1f} s: it must last between "
                             f"{MIN_MS / 1000:g} s and {MAX_MS // 1000} s")
    return ext, ms


def _wav_ms(data: bytes) -> int:
    try:
        with wave.open(io.BytesIO(data)) as audio:
            return round(audio.getnframes() * 1000 / audio.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError) as exc:
        raise RecordingError(f"the wav file cannot be read ({exc or 'damaged'}): export it "
                             "again as PCM wav") from None


def _mp3_ms(data: bytes) -> int:
    try:
        return round(MP3(io.BytesIO(data)).info.length * 1000)
    except MutagenError as exc:
        raise RecordingError(f"the mp3 file cannot be read ({type(exc).__name__}): export "
                             "it again") from None


def put(connection: Connection, lang: str, name: str, data: bytes, author: str,
        now: datetime) -> Audio:
    """Check and store a recording of prompt ``name`` in ``lang``, replacing any before."""
    if not LANG.match(lang) or not NAME.match(name):
        raise RecordingError("choose a language and a prompt from the lists")
    ext, ms = inspect(data)
    replaced = connection.execute(recordings.delete().where(
        recordings.c.lang == lang, recordings.c.name == name)).rowcount
    sha = hashlib.sha256(data).hexdigest()
    connection.execute(recordings.insert().values(
        lang=lang, name=name, ext=ext, content=data, size=len(data), duration_ms=ms,
        sha256=sha, uploaded_by=author, uploaded_at=naive(now)))
    audit.record(connection, author, "recording.upload", f"{lang}/{name}", now, type=ext,
                 bytes=len(data), seconds=round(ms / 1000, 1), replaced=bool(replaced))
    return get(connection, lang, name + ext)


def remove(connection: Connection, lang: str, name: str, author: str, now: datetime) -> bool:
    done = connection.execute(recordings.delete().where(recordings.c.lang == lang,
                                                        recordings.c.name == name)).rowcount
    if done:
        audit.record(connection, author, "recording.delete", f"{lang}/{name}", now)
    return bool(done)


def names(connection: Connection) -> dict[tuple[str, str], str]:
    """(language, prompt) -> 'lang/prompt.ext' for every stored recording."""
    rows = connection.execute(sa.select(recordings.c.lang, recordings.c.name, recordings.c.ext))
    return {(row.lang, row.name): f"{row.lang}/{row.name}{row.ext}" for row in rows}


def get(connection: Connection, lang: str, filename: str) -> Audio | None:
    """The recording served as ``/audio/<lang>/<filename>``, None when there is none."""
    name, dot, ext = filename.rpartition(".")
    if not dot:
        return None
    row = connection.execute(sa.select(recordings).where(
        recordings.c.lang == lang, recordings.c.name == name,
        recordings.c.ext == "." + ext.lower())).first()
    if row is None:
        return None
    return Audio(row.lang, row.name, row.ext, bytes(row.content), row.sha256,
                 aware(row.uploaded_at))
