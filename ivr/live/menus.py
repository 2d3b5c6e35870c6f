"""The phone tree a worker serves: loaded at start, reloaded when the files change.

A request never parses YAML or scans files: it reads the current tree. At
most every ``IVR_MENU_RELOAD_SECONDS`` one request stats the menu files and
recordings, and if they changed, reloads them; an edit with errors is
logged, and the last good tree keeps serving.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ivr.phonetree import loader
from ivr.phonetree.report import LoadError, Problem
from ivr.phonetree.tree import Tree

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """A good tree and the warnings it loaded with."""

    tree: Tree
    warnings: tuple[Problem, ...]


class Menus:
    """Holds the last good tree of one menus folder and reloads it when it changes."""

    def __init__(self, menus_dir: str, audio_dir: str, interval: float) -> None:
        self.menus_dir, self.audio_dir, self.interval = menus_dir, audio_dir, interval
        self.current: Loaded | None = None
        self.problems: list[Problem] = []  # of the last attempt that failed
        self._seen = ""
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Menus:
        """The menus named by the app's settings, loaded now."""
        menus = cls(os.path.abspath(config["IVR_MENUS_DIR"]),
                    os.path.abspath(config["IVR_AUDIO_DIR"]),
                    float(config["IVR_MENU_RELOAD_SECONDS"]))
        menus.load()
        return menus

    def load(self) -> bool:
        """Load the files now; keep the current tree when they have errors."""
        self._seen = loader.fingerprint(self.menus_dir, self.audio_dir)
        try:
            result = loader.load(self.menus_dir, self.audio_dir)
        except LoadError as exc:
            self.problems = exc.problems
            kept = "keeping the last good menus" if self.current else "no menus to serve"
            log.error("menus in %s rejected (%s):\n%s", self.menus_dir, kept, exc)
            return False
        for warning in result.warnings:
            log.warning("%s", warning)
        self.current = Loaded(result.tree, result.warnings)
        self.problems = []
        log.info("menus loaded from %s (version %s)", self.menus_dir, result.tree.version[:12])
        return True

    def get(self) -> Loaded | None:
        """The tree to serve this request, after a reload if one is due."""
        if self.interval and time.monotonic() - self._checked >= self.interval:
            self._maybe_reload()
        return self.current

    def _maybe_reload(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # another thread is checking; serve the current tree meanwhile
        try:
            self._checked = time.monotonic()
            if loader.fingerprint(self.menus_dir, self.audio_dir) != self._seen:
                self.load()
        finally:
            self._lock.release()


def of(app: Any) -> Menus:
    """The menus of a Flask ``app`` (put in its ``extensions`` by the app factory)."""
    return app.extensions["ivr.menus"]
