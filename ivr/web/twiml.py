"""Render an engine ``Step`` as TwiML, with the twilio library.

An adapter: it knows the twilio library, not Flask, not the database. A
prompt is ``<Play>`` when a recording of it exists, else ``<Say language
voice>``; a language without a voice plays its recorded pieces. A step
depends only on its tree, so its TwiML is rendered once and reused.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from twilio.twiml.voice_response import VoiceResponse

from ivr.call.state import to_url
from ivr.call.steps import Step
from ivr.phonetree.speech import Utterance
from ivr.phonetree.tree import Tree

CACHE_SIZE = 4096
# A step is rendered once with this turn in its URLs; each answer puts in its own.
_TURN_MARK = 1_000_000_000_000_007
_MARK = f"n={_TURN_MARK}"


class Renderer:
    """Renders steps of one tree; remembers the TwiML of steps it has seen."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._cache: OrderedDict[tuple[Step, str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, step: Step, root: str = "", audio_base: str = "/audio/",
               turn: int = 0) -> str:
        """The TwiML for ``step``: webhook URLs under ``root`` naming the call's ``turn``,
        recordings from ``audio_base``."""
        if turn <= 0:  # no turn in the URLs (older links): rare, not cached
            return str(self.build(step, root, audio_base, 0))
        key = (step, root, audio_base)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is None:
            cached = self.template(step, root, audio_base)
            with self._lock:
                self._cache[key] = cached
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return self.fill(cached, turn)

    def template(self, step: Step, root: str = "", audio_base: str = "/audio/") -> str:
        """The TwiML of ``step`` with a mark where each answer puts its turn (``fill``)."""
        return str(self.build(step, root, audio_base, _TURN_MARK))

    @staticmethod
    def fill(template: str, turn: int) -> str:
        return template.replace(_MARK, f"n={turn}")

    def build(self, step: Step, root: str, audio_base: str, turn: int = 0) -> VoiceResponse:
        def url(place) -> str:
            return to_url(place, root, turn)

        response = VoiceResponse()
        holder = response
        if step.gather is not None:
            holder = response.gather(action=url(step.gather.action), method="POST",
                                     input="dtmf", num_digits=1, timeout=step.gather.timeout,
                                     finish_on_key="", action_on_empty_result=False)
        for utterance in step.speech:
            self.speak(holder, utterance, audio_base)
        if step.gather is not None:
            response.redirect(url(step.gather.on_silence), method="POST")
        elif step.dial is not None:
            dial = response.dial(action=url(step.dial.action), method="POST",
                                 timeout=step.dial.timeout, caller_id=step.dial.caller_id)
            dial.number(step.dial.number)
        elif step.redirect is not None:
            response.redirect(url(step.redirect), method="POST")
        elif step.hangup:
            response.hangup()
        return response

    def speak(self, holder, utterance: Utterance, audio_base: str) -> None:
        """Play the recording of the whole, else say it, else play it piece by piece."""
        recordings = self.tree.recordings
        lang = utterance.lang
        whole = recordings.get((lang, utterance.key)) if utterance.key else None
        if whole is not None:
            holder.play(audio_base + whole)
            return
        voice = self.tree.languages[lang].voice
        if voice.language is not None:
            say(holder, utterance.text, voice.language, voice.voice, voice.rate)
            return
        for part in utterance.parts:
            file = recordings.get((lang, part.key)) if part.key else None
            if file is not None:
                holder.play(audio_base + file)


def say(holder, text: str, language: str, voice: str | None, rate: str | None) -> None:
    """``<Say>`` in ``language``; slowed with SSML prosody when the language sets a rate."""
    if rate is None:
        holder.say(text, language=language, voice=voice)
    else:
        holder.say(language=language, voice=voice).prosody(text, rate=rate)
