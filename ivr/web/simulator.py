"""Play a call through the real app, in-process, and tell what the caller hears.

Nobody needs a phone to try a change: the simulator posts to the same
webhooks Twilio would (signed, when the app has a token), at a chosen Japan
time, pressing the given keys, and answers each ``<Dial>`` with a chosen
outcome. The transcript says what is heard (text and language, or the
recording and, for a language without a voice, the words it says) and where
the call goes.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urljoin

from flask import Flask
from twilio.request_validator import RequestValidator

from ivr.live import menus
from ivr.phonetree import recordings

Transport = Callable[[str, dict[str, str]], tuple[int, bytes]]  # POST url+form -> status, body

SILENCE = "-"  # a key in the list that means: press nothing, let the wait time out
BASE = "https://ivr.example/"
MAX_STEPS = 200
STEP_SECONDS = 5  # how far the simulated clock moves between two webhooks


@dataclass
class Call:
    """A simulated call: when, to which number, which keys, how each dial ends."""

    at: datetime
    keys: list[str] = field(default_factory=list)
    dial: list[str] = field(default_factory=lambda: ["completed"])
    to: str = "+815000000000"
    caller: str = "+819000000000"
    sid: str = field(default_factory=lambda: "CA" + uuid.uuid4().hex)  # a call of its own


def run(app: Flask, call: Call) -> list[str]:
    """Play ``call`` through ``app`` in-process, from ``call.at``; return the transcript.

    The app's clock starts at ``call.at`` and moves on a few seconds with each
    webhook, as a real call would, so the call log keeps the steps apart.
    """
    moments = iter(call.at + timedelta(seconds=STEP_SECONDS * n) for n in range(MAX_STEPS + 2))
    current = [call.at]
    app.extensions["ivr.clock"] = lambda: current[0]
    client = app.test_client()
    token = app.config.get("TWILIO_AUTH_TOKEN")
    public = app.config.get("IVR_PUBLIC_URL")  # what the app checks signatures against

    def post(url: str, form: dict[str, str]) -> tuple[int, bytes]:
        current[0] = next(moments)
        signed = public + url[len(BASE) - 1:] if public else url
        response = client.post(url, data=form, headers=sign(token, signed, form),
                               base_url=BASE.rstrip("/"))
        return response.status_code, response.data

    return play(post, call, BASE, scripts(app))


def scripts(app: Flask) -> dict[str, str]:
    """What each recording of a language without a voice says, by its file ("ne/x.wav")."""
    loaded = menus.of(app).get()
    if loaded is None:
        return {}
    tree = loaded.tree
    said: dict[str, str] = {}
    for code, language in tree.languages.items():
        if language.voice.language is None:
            texts = recordings.texts(tree, code)
            said |= {file: texts[name] for (lang, name), file in tree.recordings.items()
                     if lang == code and name in texts}
    return said


def play(post: Transport, call: Call, base: str,
         said: Mapping[str, str] | None = None) -> list[str]:
    """Play ``call`` against the webhooks under ``base`` through ``post``; ``said`` maps
    recordings (by file) to their words, for the transcript."""
    keys, dials = list(call.keys), list(call.dial)
    lines: list[str] = []
    url, params = urljoin(base, "voice"), {}
    for _ in range(MAX_STEPS):
        status, body = post(url, _form(call, params))
        if status != 200:
            lines.append(f"! HTTP {status}: {body.decode(errors='replace')}")
            break
        url, params = _play(ET.fromstring(body), lines, keys, dials, url, said or {})
        if url is None:
            break
    post(urljoin(base, "voice/status"),
         _form(call, {"CallStatus": "completed", "CallDuration": "60"}))
    return lines


def sign(token: str | None, url: str, form: dict[str, str]) -> dict[str, str]:
    """The X-Twilio-Signature header Twilio would send, when there is a token."""
    if not token:
        return {}
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form)}


def _form(call: Call, extra: dict[str, str]) -> dict[str, str]:
    return {"CallSid": call.sid, "AccountSid": "AC" + "0" * 32, "From": call.caller,
            "To": call.to, "Direction": "inbound", **extra}


def _play(root: ET.Element, lines: list[str], keys: list[str], dials: list[str],
          url: str, said: Mapping[str, str]) -> tuple[str | None, dict[str, str]]:
    """Follow one TwiML document; return the next URL and its parameters (or None)."""
    for verb in root:
        if verb.tag == "Gather":
            lines.extend(_heard(list(verb), said))
            key = keys.pop(0) if keys else None
            if key is None:
                lines.append("(the caller hangs up)")
                return None, {}
            if key != SILENCE:
                lines.append(f"presses {key}")
                return urljoin(url, verb.get("action", "")), {"Digits": key}
            lines.append(f"(silence for {verb.get('timeout', '5')} s)")
        elif verb.tag in ("Say", "Play"):
            lines.extend(_heard([verb], said))
        elif verb.tag == "Dial":
            outcome = dials.pop(0) if dials else "completed"
            number = verb.findtext("Number", "")
            lines.append(f"-> dials {number} (rings {verb.get('timeout')} s, caller ID "
                         f"{verb.get('callerId', 'none')}): {outcome}")
            if verb.get("action"):
                form = {"DialCallStatus": outcome,
                        "DialCallDuration": "120" if outcome == "completed" else "0"}
                return urljoin(url, verb.get("action")), form
        elif verb.tag == "Redirect":
            return urljoin(url, verb.text or ""), {}
        elif verb.tag == "Hangup":
            lines.append("-> the app hangs up")
            return None, {}
    lines.append("-> the TwiML ends: Twilio hangs up")
    return None, {}


def _heard(verbs: list[ET.Element], said: Mapping[str, str]) -> Iterator[str]:
    for verb in verbs:
        if verb.tag == "Say":
            yield f"[{verb.get('language')}] {''.join(verb.itertext()).strip()}"
        elif verb.tag == "Play":
            words = said.get("/".join((verb.text or "").split("/")[-2:]))
            yield f"[recording] {verb.text}" + (f' "{words}"' if words else "")


def transcript(app: Flask, call: Call) -> str:
    return "\n".join(run(app, call))
