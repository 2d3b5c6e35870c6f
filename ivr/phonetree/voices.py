"""The text-to-speech languages and voices Twilio's ``<Say>`` offers, to check menus against.

Pure data. Source: Twilio's "Text-to-speech" page (twilio.com/docs/voice/twiml/say/
text-speech), its table of voices as two public copies of it list them, checked
2026-12-01. A voice Twilio does not have makes ``<Say>`` fail in the middle of a
call, so the menus refuse one: every Google voice of a locale is listed by model
and letter (Twilio has fewer than Google: no ``ja-JP-Standard-A``, no
``pt-BR-Standard-A``, one Thai voice), every Amazon Polly voice by name with the
engines it has (``Polly.Kazuha`` exists only as ``Polly.Kazuha-Neural``). A
well-formed name of a newer model (Chirp, Journey, Studio, a ``-Generative`` Polly
voice) is let through with a warning: Twilio adds voices faster than this list.
Basic ``man``/``woman``/``alice`` voices are refused: they cannot read SSML and
sound poor on a bad line. Nepali, Burmese and Khmer have no Twilio voice: such a
language is declared ``say: none`` and recorded.
"""

from __future__ import annotations

import re

CHECKED = "2026-12-01"

# Polly voices per locale: S = standard engine, N = neural engine (Polly.Name-Neural).
POLLY: dict[str, dict[str, str]] = {
    "en-US": {"Ivy": "SN", "Joanna": "SN", "Joey": "SN", "Justin": "SN", "Kendra": "SN",
              "Kimberly": "SN", "Matthew": "SN", "Salli": "SN", "Kevin": "N", "Ruth": "N",
              "Stephen": "N", "Gregory": "N", "Danielle": "N"},
    "en-GB": {"Amy": "SN", "Brian": "SN", "Emma": "SN", "Arthur": "N"},
    "en-AU": {"Nicole": "S", "Russell": "S", "Olivia": "N"},
    "en-IN": {"Aditi": "S", "Raveena": "S", "Kajal": "N"},
    "ja-JP": {"Mizuki": "S", "Takumi": "SN", "Kazuha": "N", "Tomoko": "N"},
    "cmn-CN": {"Zhiyu": "SN"},
    "ko-KR": {"Seoyeon": "SN"},
    "pt-BR": {"Camila": "SN", "Vitoria": "SN", "Ricardo": "S", "Thiago": "N"},
    "pt-PT": {"Ines": "SN", "Cristiano": "S"},
    "es-ES": {"Conchita": "S", "Lucia": "SN", "Enrique": "S", "Sergio": "N"},
    "es-MX": {"Mia": "SN", "Andres": "N"},
    "es-US": {"Lupe": "SN", "Penelope": "S", "Miguel": "S", "Pedro": "N"},
    "fr-FR": {"Celine": "S", "Lea": "SN", "Mathieu": "S", "Remi": "N"},
    "de-DE": {"Marlene": "S", "Vicki": "SN", "Hans": "S", "Daniel": "N"},
    "hi-IN": {"Aditi": "S", "Kajal": "N"},
    "ru-RU": {"Tatyana": "S", "Maxim": "S"},
}

# Google voices per locale: model -> letters.
GOOGLE: dict[str, dict[str, str]] = {
    "en-US": {"Standard": "ABCDEFGHIJ", "Wavenet": "ABCDEFGHIJ", "Neural2": "ACDEFGHIJ"},
    "en-GB": {"Standard": "ABCDF", "Wavenet": "ABCDF", "Neural2": "ABCDF"},
    "en-AU": {"Standard": "ABCD", "Wavenet": "ABCD", "Neural2": "ABCD"},
    "en-IN": {"Standard": "ABCD", "Wavenet": "ABCD", "Neural2": "ABCD"},
    "ja-JP": {"Standard": "BCD", "Wavenet": "BCD"},
    "fil-PH": {"Standard": "ABCD", "Wavenet": "ABCD"},
    "vi-VN": {"Standard": "ABCD", "Wavenet": "ABCD"},
    "th-TH": {"Standard": "A"},
    "id-ID": {"Standard": "ABCD", "Wavenet": "ABCD"},
    "cmn-CN": {"Standard": "ABCD", "Wavenet": "ABCD"},
    "cmn-TW": {"Standard": "ABC", "Wavenet": "ABC"},
    "yue-HK": {"Standard": "ABCD"},
    "ko-KR": {"Standard": "ABCD", "Wavenet": "ABCD", "Neural2": "ABC"},
    "pt-BR": {"Standard": "BC", "Wavenet": "BC", "Neural2": "ABC"},
    "pt-PT": {"Standard": "ABCD", "Wavenet": "ABCD"},
    "es-ES": {"Standard": "BCD", "Wavenet": "BCD", "Neural2": "ABCDEF"},
    "es-US": {"Standard": "ABC", "Wavenet": "ABC", "Neural2": "ABC"},
    "fr-FR": {"Standard": "ABCDE", "Wavenet": "ABCDE", "Neural2": "ABCDE"},
    "de-DE": {"Standard": "ABCDEF", "Wavenet": "ABCDEF", "Neural2": "ABCDF"},
    "hi-IN": {"Standard": "ABCD", "Wavenet": "ABCD", "Neural2": "ABCD"},
    "bn-IN": {"Standard": "CD", "Wavenet": "CD"},
    "ms-MY": {"Standard": "ABCD", "Wavenet": "ABCD"},
    "ru-RU": {"Standard": "ABCDE", "Wavenet": "ABCDE"},
    "uk-UA": {"Standard": "A", "Wavenet": "A"},
    "ar-XA": {"Standard": "ABCD", "Wavenet": "ABCD"},
    "tr-TR": {"Standard": "ABCDE", "Wavenet": "ABCDE"},
    "it-IT": {"Standard": "BCD", "Wavenet": "BCD", "Neural2": "AC"},
}
LISTED_MODELS = ("Standard", "Wavenet", "Neural2")  # newer models: checked by form only

GOOGLE_VOICE = re.compile(
    r"^Google\.(?P<locale>[a-z]{2,3}-[A-Z]{2})-"
    r"(?P<model>Standard|Wavenet|Neural2|News|Studio|Polyglot|Journey|Chirp-HD|Chirp3-HD)"
    r"-(?P<letter>[A-Za-z]+)$")
POLLY_VOICE = re.compile(r"^Polly\.(?P<name>[A-Za-z]+)(?P<engine>-Neural|-Generative)?$")

HINTS = {
    "tl-PH": "Tagalog/Filipino is 'fil-PH' at Twilio, with Google voices only "
             "(e.g. Google.fil-PH-Standard-A)",
    "tl": "Tagalog/Filipino is 'fil-PH' at Twilio, with Google voices only",
    "ne-NP": "Nepali has no Twilio voice: write 'say: none' and record the prompts",
    "ne": "Nepali has no Twilio voice: write 'say: none' and record the prompts",
    "my-MM": "Burmese has no Twilio voice: write 'say: none' and record the prompts",
    "km-KH": "Khmer has no Twilio voice: write 'say: none' and record the prompts",
    "zh-CN": "Mandarin is 'cmn-CN' at Twilio", "zh": "Mandarin is 'cmn-CN' at Twilio",
    "en-UK": "British English is 'en-GB'", "ja": "Japanese is 'ja-JP'",
    "vi": "Vietnamese is 'vi-VN'", "th": "Thai is 'th-TH'", "id": "Indonesian is 'id-ID'",
    "ko": "Korean is 'ko-KR'", "es": "Spanish is 'es-MX', 'es-US' or 'es-ES'",
    "pt": "Portuguese is 'pt-BR' (Brazil) or 'pt-PT'", "en": "English is 'en-US' or 'en-GB'",
}


def languages() -> list[str]:
    """Every locale Twilio can speak, sorted."""
    return sorted(set(POLLY) | set(GOOGLE))


def voices(language: str) -> list[str]:
    """Every voice this list knows for ``language``, Polly's first."""
    found = [f"Polly.{name}" + ("" if "S" in kinds else "-Neural")
             for name, kinds in POLLY.get(language, {}).items()]
    for model, letters in GOOGLE.get(language, {}).items():
        found += [f"Google.{language}-{model}-{letter}" for letter in letters]
    return found


def check(language: str, voice: str | None) -> str | None:
    """Why Twilio cannot speak ``language`` with ``voice``, or None when it can."""
    if language not in POLLY and language not in GOOGLE:
        hint = HINTS.get(language)
        return (f"Twilio has no text-to-speech language '{language}'"
                + (f": {hint}" if hint else ""))
    if voice is None:
        return None
    google, polly = GOOGLE_VOICE.match(voice), POLLY_VOICE.match(voice)
    if google:
        return _check_google(language, voice, google)
    if polly:
        return _check_polly(language, voice, polly)
    return (f"'{voice}' is not a Twilio voice: use an Amazon Polly voice (Polly.Name) "
            f"or a Google voice (Google.{language}-Standard-A)")


def doubt(voice: str | None) -> str | None:
    """A warning for a well-formed voice of a model this list does not cover, else None."""
    google, polly = GOOGLE_VOICE.match(voice or ""), POLLY_VOICE.match(voice or "")
    if (google and google["model"] not in LISTED_MODELS) or (
            polly and polly["engine"] == "-Generative"):
        return (f"the voice '{voice}' is not in the list of Twilio voices checked on {CHECKED}: "
                "make sure Twilio offers it (twilio.com/docs/voice/twiml/say/text-speech), "
                "or a call stops where it speaks")
    return None


def _check_google(language: str, voice: str, google: re.Match) -> str | None:
    if google["locale"] != language or language not in GOOGLE:
        return f"the voice '{voice}' does not speak '{language}'"
    letters = GOOGLE[language].get(google["model"])
    if google["model"] in LISTED_MODELS and (letters is None or google["letter"] not in letters):
        return f"Twilio has no voice '{voice}' (its voices for '{language}': {_some(language)})"
    return None


def _check_polly(language: str, voice: str, polly: re.Match) -> str | None:
    kinds = POLLY.get(language, {}).get(polly["name"])
    if kinds is None:
        names = ", ".join(v for v in voices(language) if v.startswith("Polly.")) or "none"
        return (f"the voice '{voice}' does not speak '{language}' "
                f"(Polly voices for it: {names})")
    if polly["engine"] == "-Neural" and "N" not in kinds:
        return f"'{voice}' does not exist: Polly.{polly['name']} has no neural voice"
    if polly["engine"] is None and "S" not in kinds:
        return f"Polly.{polly['name']} exists only as a neural voice: write '{voice}-Neural'"
    return None


def _some(language: str) -> str:
    found = voices(language)
    return ", ".join(found[:6]) + (f" and {len(found) - 6} more" if len(found) > 6 else "")
