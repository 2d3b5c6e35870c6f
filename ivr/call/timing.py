"""How long a caller listens before they can choose their language: words x speaking rate.

Pure core. The opening of a call is what the engine says (the real prompts
of the tree), so the estimate follows every edit. A sentence's length is its
words (or characters, for languages written without spaces) divided by a
typical text-to-speech rate of its language, slowed by the language's
``rate`` (SSML prosody, e.g. 90%), plus a pause between two sentences; a
recording counts for its real length when known. A caller of the second list
presses 9 when they hear their language, waits for the app's answer, and
hears the second list up to their line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ivr.call import choice
from ivr.phonetree.speech import Utterance
from ivr.phonetree.tree import Hotline, Tree

# Typical speaking rates of Twilio's Polly and Google voices at 100%, per unit of the
# written language: words for languages written with spaces (a Vietnamese word is a
# syllable), characters (letters and digits) for Chinese, Japanese, Korean and Thai.
RATES: dict[str, tuple[str, float]] = {
    "en": ("words", 2.6),    # about 155 words a minute
    "fil": ("words", 2.3),   # longer words than English
    "vi": ("words", 4.2),    # syllables: about 250 a minute
    "cmn": ("chars", 4.2),   # about 250 characters a minute
    "ja": ("chars", 5.5),    # kana and kanji, about 330 a minute
    "ko": ("chars", 5.5),    # Hangul syllable blocks
    "th": ("chars", 10.0),   # Thai letters, about 3 to a syllable
    "pt": ("words", 2.6), "es": ("words", 2.7), "id": ("words", 2.3),
}
RECORDED = ("words", 2.0)  # a person reading slowly, for a recording whose length is unknown
OTHER = ("words", 2.3)
PAUSE = 0.4  # seconds between two sentences (Twilio plays each <Say> or <Play> in turn)
TURN = 0.7   # seconds from a key press to the next answer starting to play


@dataclass(frozen=True)
class Line:
    """One sentence of the language choice and how long it lasts."""

    lang: str
    text: str
    count: int    # words or characters; 0 for a recording of known length
    unit: str     # "words", "chars" or "recording"
    rate: float   # units a second, slowed by the language's prosody rate
    seconds: float
    ends: float   # when it ends, from the first word of its list


@dataclass(frozen=True)
class Reach:
    """When a caller of ``code`` has heard the line that tells them their key."""

    code: str
    key: str        # "3", or "9 then 2"
    seconds: float  # from the first word of the call


def measure(tree: Tree, utterance: Utterance, durations: Mapping[tuple[str, str], float],
            slower: float = 1.0) -> tuple[int, str, float, float]:
    """How long ``utterance`` lasts: (count, unit, rate, seconds); its recording(s) when
    their length is known, else its words (or characters) / the rate of its language."""
    language = tree.languages[utterance.lang]
    whole = (utterance.lang, utterance.key)
    if whole in durations:  # a recording plays instead of the voice, whenever there is one
        return 0, "recording", 0.0, durations[whole]
    parts = [(utterance.lang, part.key) for part in utterance.parts if part.key]
    if language.voice.language is None and parts and all(p in durations for p in parts):
        return 0, "recording", 0.0, sum(durations[p] for p in parts)
    unit, rate = _rate(language.voice.language)
    text = utterance.text
    count = len(text.split()) if unit == "words" else sum(1 for ch in text if ch.isalnum())
    rate *= _prosody(language.voice.rate) * slower
    return count, unit, rate, count / rate


def lines(tree: Tree, hotline: Hotline, durations: Mapping[tuple[str, str], float] | None = None,
          more: bool = False) -> list[Line]:
    """The sentences of the opening (or, with ``more``, of the second list), timed."""
    at = choice.place(hotline, choice.MORE if more else choice.FIRST)
    said = choice.menu(tree, hotline, at, welcome=not more).speech
    found, now = [], 0.0
    for index, utterance in enumerate(said):
        count, unit, rate, took = measure(tree, utterance, durations or {})
        now += (PAUSE if index else 0.0) + took
        found.append(Line(utterance.lang, utterance.text, count, unit, rate, took, now))
    return found


def reach(tree: Tree, hotline: Hotline, durations: Mapping[tuple[str, str], float] | None = None,
          slower: float = 1.0) -> list[Reach]:
    """For each language of ``hotline``, when its caller can press their key (``slower``:
    speaking rates times this, e.g. 0.8 for voices a fifth slower than typical)."""
    durations = durations or {}
    opening = choice.menu(tree, hotline, choice.place(hotline), welcome=True).speech
    more = choice.menu(tree, hotline, choice.place(hotline, choice.MORE)).speech
    clock = _clock(tree, opening, durations, slower)
    found = []
    for n, code in enumerate(hotline.first_keys, start=1):
        found.append(Reach(code, str(n), clock[_line(opening, code)]))
    if hotline.more_keys:
        second = _clock(tree, more, durations, slower)
        for n, code in enumerate(hotline.more_keys, start=1):
            heard_9 = clock[_line(opening, code)]
            found.append(Reach(code, f"{choice.MORE_KEY} then {n}",
                               heard_9 + TURN + second[_line(more, code)]))
    return found


def _clock(tree: Tree, lines: tuple[Utterance, ...], durations, slower: float) -> list[float]:
    """The time each line ends, from the start of the first."""
    ends, now = [], 0.0
    for index, line in enumerate(lines):
        now += (PAUSE if index else 0.0) + measure(tree, line, durations, slower)[3]
        ends.append(now)
    return ends


def _line(lines: tuple[Utterance, ...], code: str) -> int:
    return next(i for i, u in enumerate(lines) if u.lang == code and u.key in
                ("language_option", "language_more"))


def _rate(locale: str | None) -> tuple[str, float]:
    if locale is None:
        return RECORDED
    return RATES.get(locale.split("-")[0], OTHER)


def _prosody(rate: str | None) -> float:
    if rate and rate.endswith("%"):
        return int(rate[:-1]) / 100
    return {"x-slow": 0.5, "slow": 0.75, "fast": 1.25}.get(rate or "", 1.0)
