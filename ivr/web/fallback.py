"""The last-resort answer: static multilingual TwiML needing neither menus nor database.

Twilio requests it as the number's Voice Fallback URL when the app fails or
is too slow, and the app itself answers with it when a step raises or no
menus could be loaded. The caller hears the emergency advice in English,
Japanese and Tagalog and is connected to a 24 h line; if no one answers, they
hear the advice again.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from twilio.twiml.voice_response import VoiceResponse

ADVICE = (
    ("en-US", "Polly.Joanna",
     "Sorry, this help line has a technical problem right now. If you are in danger, hang "
     "up and dial 1 1 0 for the police, or 1 1 9 for fire and ambulance. These calls are "
     "free, 24 hours a day. Please hold: we are connecting you to the Tokyo police English "
     "line."),
    ("ja-JP", "Polly.Mizuki",
     "申し訳ありません。ただいま、この相談電話に技術的な問題が起きています。危険な状況にある"
     "場合は、電話を切って、警察は110番、火事や救急は119番に電話してください。24時間、"
     "無料です。このまま、警視庁の英語の相談窓口におつなぎします。"),
    ("fil-PH", "Google.fil-PH-Standard-A",
     "Paumanhin, may teknikal na problema ang helpline na ito ngayon. Kung ikaw ay nasa "
     "panganib, ibaba ang telepono at tumawag sa 1 1 0 para sa pulis, o 1 1 9 para sa "
     "bumbero at ambulansya. Libre ang mga tawag na ito, 24 oras. Sandali lamang: "
     "ikinokonekta ka namin sa English line ng pulisya ng Tokyo."),
)
AFTER = (
    ("en-US", "Polly.Joanna", "If no one answered, please hang up and dial 1 1 0. Goodbye."),
    ("ja-JP", "Polly.Mizuki", "つながらなかった場合は、電話を切って110番に電話してください。"),
    ("fil-PH", "Google.fil-PH-Standard-A",
     "Kung walang sumagot, ibaba ang telepono at tumawag sa 1 1 0. Paalam."),
)
RING_SECONDS = 30


@lru_cache(maxsize=32)
def twiml(number: str, caller_id: str | None) -> str:
    """The fallback answer that connects to ``number`` (a 24 h line)."""
    response = VoiceResponse()
    for language, voice, text in ADVICE:
        response.say(text, language=language, voice=voice)
    dial = response.dial(timeout=RING_SECONDS, caller_id=caller_id)
    dial.number(number)
    for language, voice, text in AFTER:
        response.say(text, language=language, voice=voice)
    response.hangup()
    return str(response)


def logged_url(url: str | None) -> str | None:
    """The failed URL (Twilio's ``ErrorUrl``) as the call log keeps it: without the query
    (a GET webhook's holds the caller's number), the fragment and any credentials."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a URL: keep nothing that could hold a number
        return None
    host = f"[{host}]" if ":" in host else host
    origin = f"{parts.scheme}://{host}{port}" if parts.scheme and host else ""
    return (origin + parts.path)[:256] or None
