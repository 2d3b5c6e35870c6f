"""The text-to-speech languages and voices Twilio's ``<Say>`` offers, to check menus against.

Pure data. Source: Twilio's "Text-to-speech voices" page and the ``<Say>``
reference (twilio.com/docs/voice/twiml/say/text-speech), checked 2026-11-01.
Amazon Polly voices are listed by name (``-Neural`` and ``-Generative``
variants accepted); Google voices follow ``Google.<locale>-<model>-<letter
or name>``. Basic ``man``/``woman``/``alice`` voices are refused: they
cannot read SSML and sound poor on a bad line. Nepali, Burmese and Khmer have
no Twilio voice: such a language is declared ``say: none`` and recorded.
"""

from __future__ import annotations

import re

POLLY: dict[str, tuple[str, ...]] = {
    "en-US": ("Joanna", "Joey", "Kendra", "Kimberly", "Matthew", "Salli", "Justin",
              "Kevin", "Ivy", "Ruth", "Danielle", "Gregory", "Stephen"),
    "en-GB": ("Amy", "Brian", "Emma", "Arthur"),
    "en-AU": ("Nicole", "Russell", "Olivia"),
    "en-IN": ("Aditi", "Raveena", "Kajal"),
    "ja-JP": ("Mizuki", "Takumi", "Kazuha", "Tomoko"),
    "cmn-CN": ("Zhiyu",),
    "ko-KR": ("Seoyeon",),
    "pt-BR": ("Camila", "Vitoria", "Ricardo", "Thiago"),
    "pt-PT": ("Ines", "Cristiano"),
    "es-ES": ("Conchita", "Lucia", "Enrique", "Sergio"),
    "es-MX": ("Mia", "Andres"),
    "es-US": ("Lupe", "Penelope", "Miguel", "Pedro"),
    "fr-FR": ("Celine", "Lea", "Mathieu", "Remi"),
    "de-DE": ("Marlene", "Vicki", "Hans", "Daniel"),
    "hi-IN": ("Aditi", "Kajal"),
    "ru-RU": ("Tatyana", "Maxim"),
}

GOOGLE = frozenset({
    "en-US", "en-GB", "en-AU", "en-IN", "ja-JP", "fil-PH", "vi-VN", "th-TH", "id-ID",
    "cmn-CN", "cmn-TW", "yue-HK", "ko-KR", "pt-BR", "pt-PT", "es-ES", "es-US", "fr-FR",
    "de-DE", "hi-IN", "bn-IN", "ms-MY", "ru-RU", "uk-UA", "ar-XA", "tr-TR", "it-IT",
})

GOOGLE_VOICE = re.compile(
    r"^Google\.(?P<locale>[a-z]{2,3}-[A-Z]{2})-"
    r"(Standard|Wavenet|Neural2|News|Studio|Polyglot|Journey|Chirp-HD|Chirp3-HD)-[A-Za-z]+$")
POLLY_VOICE = re.compile(r"^Polly\.(?P<name>[A-Za-z]+)(-Neural|-Generative)?$")

HINTS = {
    "tl-PH": "Tagalog/Filipino is 'fil-PH' at Twilio, with Google voices only "
             "(e.g. Google.fil-PH-Standard-A)",
    "tl": "Tagalog/Filipino is 'fil-PH' at Twilio, with Google voices only",
    "ne-NP": "Nepali has no Twilio voice: write 'say: none' and record the prompts",
    "ne": "Nepali has no Twilio voice: write 'say: none' and record the prompts",
    "zh-CN": "Mandarin is 'cmn-CN' at Twilio", "zh": "Mandarin is 'cmn-CN' at Twilio",
    "en-UK": "British English is 'en-GB'", "ja": "Japanese is 'ja-JP'",
    "vi": "Vietnamese is 'vi-VN'", "th": "Thai is 'th-TH'", "id": "Indonesian is 'id-ID'",
    "pt": "Portuguese is 'pt-BR' (Brazil) or 'pt-PT'", "en": "English is 'en-US' or 'en-GB'",
}


def languages() -> list[str]:
    """Every locale Twilio can speak, sorted."""
    return sorted(set(POLLY) | GOOGLE)


def check(language: str, voice: str | None) -> str | None:
    """Why Twilio cannot speak ``language`` with ``voice``, or None when it can."""
    if language not in POLLY and language not in GOOGLE:
        hint = HINTS.get(language)
        return (f"Twilio has no text-to-speech language '{language}'"
                + (f": {hint}" if hint else ""))
    if voice is None:
        return None
    return _check_voice(language, voice)


def _check_voice(language: str, voice: str) -> str | None:
    google = GOOGLE_VOICE.match(voice)
    if google:
        if google["locale"] != language or language not in GOOGLE:
            return f"the voice '{voice}' does not speak '{language}'"
        return None
    polly = POLLY_VOICE.match(voice)
    if polly:
        if polly["name"] not in POLLY.get(language, ()):
            names = ", ".join(f"Polly.{n}" for n in POLLY.get(language, ())) or "none"
            return (f"the voice '{voice}' does not speak '{language}' "
                    f"(Polly voices for it: {names})")
        return None
    return (f"'{voice}' is not a Twilio voice: use an Amazon Polly voice (Polly.Name) "
            f"or a Google voice (Google.{language}-Standard-A)")
