"""scripts/normalise-recordings: any upload becomes a telephone wav that the hotline accepts.

Needs ffmpeg (Debian's package; .ci/run installs it): skipped without it, except in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import wave

import pytest
from conftest import ROOT

from ivr.menustore import recordings

SCRIPT = ROOT / "scripts" / "normalise-recordings"
MP3 = ROOT / "tests" / "fixtures" / "one-second.mp3"


@pytest.fixture(autouse=True)
def _ffmpeg():
    if shutil.which("ffmpeg") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("ffmpeg is not installed (apt-get install ffmpeg)")
        pytest.skip("ffmpeg is not installed")


def normalise(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          check=False)


def test_an_mp3_becomes_an_8_khz_mono_16_bit_wav_the_upload_check_accepts(tmp_path):
    target = tmp_path / "greeting.wav"
    done = normalise(str(MP3), "--out", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{MP3} -> {target}\n"
    with wave.open(str(target)) as sound:
        assert (sound.getframerate(), sound.getnchannels(), sound.getsampwidth()) == (8000, 1, 2)
        assert sound.getnframes() >= 0.6 * 8000
    assert recordings.inspect(target.read_bytes())[0] == ".wav"


def test_the_same_input_gives_the_same_bytes_and_a_folder_takes_many(tmp_path):
    done = normalise(str(MP3), str(MP3), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    again = normalise(str(MP3), "--out", str(tmp_path / "again.wav"))
    assert again.returncode == 0
    assert (tmp_path / "out" / "one-second.wav").read_bytes() == \
        (tmp_path / "again.wav").read_bytes()


def test_a_file_that_is_not_audio_is_refused_with_ffmpegs_reason(tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    done = normalise(str(bad), "--out", str(tmp_path / "x.wav"))
    assert done.returncode == 1
    assert done.stderr.startswith(f"{bad}: ")
    assert "Invalid data found" in done.stderr
