"""The voices menus may use are the ones Twilio has: a wrong one stops a call where it speaks."""

from __future__ import annotations

import pytest

from ivr.phonetree import voices

REAL = [("en-US", "Polly.Joanna"), ("en-US", "Polly.Joanna-Neural"),
        ("en-US", "Polly.Ruth-Neural"), ("ja-JP", "Polly.Mizuki"), ("ja-JP", "Polly.Kazuha-Neural"),
        ("ja-JP", "Google.ja-JP-Wavenet-B"),
        ("fil-PH", "Google.fil-PH-Standard-A"), ("vi-VN", "Google.vi-VN-Standard-A"),
        ("vi-VN", "Google.vi-VN-Wavenet-D"), ("cmn-CN", "Polly.Zhiyu"),
        ("cmn-CN", "Google.cmn-CN-Standard-A"), ("th-TH", "Google.th-TH-Standard-A"),
        ("id-ID", "Google.id-ID-Standard-A"), ("pt-BR", "Polly.Camila"),
        ("pt-BR", "Polly.Thiago-Neural"), ("pt-BR", "Google.pt-BR-Neural2-A"),
        ("es-MX", "Polly.Mia"), ("es-US", "Google.es-US-Standard-A"), ("ko-KR", "Polly.Seoyeon"),
        ("ko-KR", "Google.ko-KR-Neural2-C")]


@pytest.mark.parametrize(("language", "voice"), REAL)
def test_a_voice_twilio_has_passes(language, voice):
    assert voices.check(language, voice) is None
    assert voices.doubt(voice) is None


@pytest.mark.parametrize(("language", "voice", "problem"), [
    ("ja-JP", "Google.ja-JP-Standard-A",
     "Twilio has no voice 'Google.ja-JP-Standard-A' (its voices for 'ja-JP': Polly.Mizuki, "
     "Polly.Takumi, Polly.Kazuha-Neural, Polly.Tomoko-Neural, Google.ja-JP-Standard-B, "
     "Google.ja-JP-Standard-C and 4 more)"),
    ("pt-BR", "Google.pt-BR-Standard-A",
     "Twilio has no voice 'Google.pt-BR-Standard-A' (its voices for 'pt-BR': Polly.Camila, "
     "Polly.Vitoria, Polly.Ricardo, Polly.Thiago-Neural, Google.pt-BR-Standard-B, "
     "Google.pt-BR-Standard-C and 5 more)"),
    ("th-TH", "Google.th-TH-Standard-B",
     "Twilio has no voice 'Google.th-TH-Standard-B' (its voices for 'th-TH': "
     "Google.th-TH-Standard-A)"),
    ("ja-JP", "Polly.Kazuha",
     "Polly.Kazuha exists only as a neural voice: write 'Polly.Kazuha-Neural'"),
    ("pt-BR", "Polly.Ricardo-Neural", "'Polly.Ricardo-Neural' does not exist: Polly.Ricardo "
     "has no neural voice"),
    ("vi-VN", "Google.ja-JP-Standard-B", "the voice 'Google.ja-JP-Standard-B' does not speak "
     "'vi-VN'"),
    ("ne-NP", None, "Twilio has no text-to-speech language 'ne-NP': Nepali has no Twilio "
     "voice: write 'say: none' and record the prompts"),
])
def test_a_voice_twilio_does_not_have_is_refused(language, voice, problem):
    assert voices.check(language, voice) == problem


def test_a_newer_model_is_let_through_with_a_warning():
    voice = "Google.en-US-Chirp3-HD-Aoede"
    assert voices.check("en-US", voice) is None
    assert voices.doubt(voice) == (
        "the voice 'Google.en-US-Chirp3-HD-Aoede' is not in the list of Twilio voices checked on "
        "2026-12-01: make sure Twilio offers it (twilio.com/docs/voice/twiml/say/text-speech), "
        "or a call stops where it speaks")


def test_every_listed_voice_passes_its_own_check():
    for language in voices.languages():
        for voice in voices.voices(language):
            assert voices.check(language, voice) is None, voice
