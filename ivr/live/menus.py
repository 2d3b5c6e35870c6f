"""The phone tree a worker serves: loaded at start, reloaded when its files change.

A request never parses YAML nor looks at a file: it reads the current tree.
A watcher thread per process looks at the source every
``IVR_MENU_RELOAD_SECONDS`` and reloads when it changed. A good tree is kept
as the snapshot (``snapshot``); an edit with errors is logged and reported
(``problems``), and the worker goes on serving its last good tree, or the
snapshot when that is newer or when the process has just started: so a
worker recycled during a bad edit, and every worker of the machine, serves
the same last good version.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from ivr.live.snapshot import Snapshot
from ivr.live.sources import Unavailable
from ivr.phonetree import loader
from ivr.phonetree.bundle import Bundle
from ivr.phonetree.report import LoadError, Problem
from ivr.phonetree.tree import Tree

log = logging.getLogger(__name__)
SNAPSHOT_FILE = "menus-snapshot.json"


class Source(Protocol):
    def stamp(self) -> str: ...
    def read(self) -> Bundle: ...


@dataclass(frozen=True)
class Loaded:
    """A good tree, the warnings it loaded with, and where it came from."""

    tree: Tree
    warnings: tuple[Problem, ...]
    origin: str = "source"  # or "snapshot", "menus folder": what served when the source failed

    @property
    def version(self) -> str:
        return self.tree.version[:12]


class Menus:
    """Holds the last good tree of one source and reloads it when the source changes."""

    def __init__(self, source: Source, interval: float, snapshot: Snapshot | None = None,
                 fallback: Source | None = None) -> None:
        self.source, self.interval, self.snapshot = source, interval, snapshot
        self.fallback = fallback  # read only with no tree at all: no good load, no snapshot
        self.current: Loaded | None = None
        self.problems: list[Problem] = []  # of the last attempt, when it was rejected
        self.outage: str | None = None  # why the source cannot be read now
        self._kept: str | None = None  # the version this process last wrote as the snapshot
        self._seen: str | None = None
        self._lock = threading.Lock()   # one look at the source at a time
        self._start = threading.Lock()  # one watcher per process
        self._stop = threading.Event()
        self._watcher: tuple[int, threading.Thread] | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def get(self) -> Loaded | None:
        """The tree to serve now.

        The first call in a process starts its watcher and looks at the source
        once: a gunicorn worker is forked from a master that loaded the tree at
        start (and runs no watcher: no thread may hold a lock across a fork),
        so a worker recycled hours later catches up before its first answer.
        """
        if self.interval and (self._watcher is None or self._watcher[0] != os.getpid()):
            self.watch()
        return self.current

    def check(self) -> bool:
        """Look at the source once; reload when it changed. True when a new tree serves."""
        with self._lock:
            try:
                stamp = self.source.stamp()
                return stamp != self._seen and self._load(stamp)
            except Unavailable as exc:  # at the look or, cut a moment later, at the read
                return self._unavailable(exc)

    def load(self) -> bool:
        """Load the source now; on errors keep (or adopt) the last good tree."""
        with self._lock:
            try:
                return self._load(self.source.stamp())
            except Unavailable as exc:
                return self._unavailable(exc)

    def close(self) -> None:
        self._stop.set()

    def _load(self, stamp: str) -> bool:
        bundle = self.source.read()  # Unavailable: the caller keeps what serves
        self._seen, self.outage = stamp, None
        if self.current and not self.problems and self.current.tree.version == bundle.version:
            self._keep(bundle)
            return False  # nothing callers hear changed (a file's time, a staff account)
        try:
            result = loader.load_bundle(bundle)
        except LoadError as exc:
            self.problems = exc.problems
            adopted = self._adopt_snapshot()
            kept = ("serving the last good menus, version " + self.current.version
                    if self.current else "no menus to serve: calls get the fallback answer")
            log.error("menus in %s rejected (%s%s):\n%s", self.source, kept,
                      ", from the snapshot" if adopted else "", exc)
            return adopted
        changed = self.current is None or self.current.tree.version != result.tree.version
        self._serve(Loaded(result.tree, result.warnings))
        self.problems = []
        self._keep(result.bundle)
        return changed

    def _keep(self, bundle: Bundle) -> None:
        """Make ``bundle`` (just loaded fine) the snapshot, unless it is already."""
        if self.snapshot is None or self._kept == bundle.version:
            return
        if self.snapshot.save(bundle):
            self._kept = bundle.version

    def _unavailable(self, exc: Unavailable) -> bool:
        """The source cannot be read: keep the tree; with none, the snapshot, then the fallback."""
        self.outage = str(exc)
        if self.current is not None:
            return False
        if self._adopt_snapshot():
            return True
        if self.fallback is None:
            return False
        try:
            result = loader.load_bundle(self.fallback.read())
        except LoadError as error:
            self.problems = error.problems
            log.error("menus: %s, and the menus in %s are rejected:\n%s", exc, self.fallback,
                      error)
            return False
        self._serve(Loaded(result.tree, result.warnings, "menus folder"))
        return True

    def _serve(self, loaded: Loaded) -> None:
        for warning in loaded.warnings:
            log.warning("%s", warning)
        self.current = loaded
        log.info("menus: serving version %s (from the %s)", loaded.version, loaded.origin)

    def _adopt_snapshot(self) -> bool:
        """Serve the snapshot when it differs from the current tree (newer, or none yet)."""
        bundle = self.snapshot.read() if self.snapshot is not None else None
        if bundle is None or (self.current and self.current.tree.version == bundle.version):
            return False
        try:  # checked again: the code may have changed since it was written
            result = loader.load_bundle(bundle)
        except LoadError as exc:
            log.error("menus: the last good tree in %s no longer loads:\n%s",
                      self.snapshot.path, exc)
            return False
        self._serve(Loaded(result.tree, result.warnings, "snapshot"))
        return True

    def watch(self) -> None:
        """Look at the source now, then start this process's watcher thread (once)."""
        with self._start:
            if self._watcher is not None and self._watcher[0] == os.getpid():
                return
            try:
                self.check()
            except Exception:  # the watcher will try again
                log.exception("menus: looking for edited menus failed")
            thread = threading.Thread(target=self._run, name="menus-watch", daemon=True)
            self._watcher = (os.getpid(), thread)
            thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watcher must live on, whatever a check meets
                log.exception("menus: looking for edited menu files failed")


def of(app: Any) -> Menus:
    """The menus of a Flask ``app`` (put in its ``extensions`` by the app factory)."""
    return app.extensions["ivr.menus"]
