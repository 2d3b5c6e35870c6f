"""A tree's answers, worked out once a minute: later webhooks of the same kind look them up.

A step depends only on the tree, the place its URL names, the key pressed,
the dial's outcome, the dialled number (a ``<Dial>``'s caller ID) and the
time to the minute: opening hours, closures and notices begin and end on
whole minutes (``phonetree.hours``). So within a minute, the same request
gets the same step: the engine works it out once, its TwiML is rendered
once, and every later request only puts in its turn. A new tree (a reload,
a published version or notice) or a new minute starts afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from ivr.call.steps import Step
from ivr.phonetree.tree import Tree
from ivr.web.twiml import Renderer

MAX_ANSWERS = 4096  # per minute; beyond that (hostile URLs), answers are worked out each time
MAX_KEY_CHARS = 512  # a longer request (query) is not the app's own URL: not kept


@dataclass(frozen=True)
class Answer:
    """A step, the hotline its events belong to, and its TwiML with a turn to put in."""

    step: Step
    hotline: str
    template: str

    def twiml(self, turn: int) -> str:
        return Renderer.fill(self.template, turn)


class Answers:
    """The answers of one tree in the current minute."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.renderer = Renderer(tree)
        self._current: tuple[int, dict[Hashable, Answer]] = (-1, {})
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: datetime, root: str, audio_base: str,
            work: Callable[[], tuple[Step, str]], size: int = 0) -> Answer:
        """The answer to ``key`` at ``now``; ``work`` gives its step and hotline when new.
        ``size``: how long the request's part of the key is (a long one is not kept)."""
        minute = int(now.timestamp()) // 60
        key = (key, root, audio_base)
        current, answers = self._current
        if current != minute:
            with self._lock:
                if self._current[0] < minute:
                    self._current = (minute, {})
                current, answers = self._current
        answer = answers.get(key) if current == minute else None
        if answer is None:
            step, hotline = work()
            answer = Answer(step, hotline, self.renderer.template(step, root, audio_base))
            if current == minute and len(answers) < MAX_ANSWERS and size <= MAX_KEY_CHARS:
                answers[key] = answer
        return answer
