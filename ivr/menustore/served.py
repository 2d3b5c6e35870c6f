"""Uploaded recordings as the audio route serves them, from any instance, through an outage.

The web adapter may not touch the database, so the app factory hands it a
``Served`` (``app.extensions["ivr.recordings"]``) whose ``get(lang,
filename)`` answers the stored recording (content, mimetype, sha256,
uploaded_at) or None. Each look reads only the recording's checksum; its
content is read when this process has not seen that version yet, and kept
(within a budget of bytes) so that while the database is down the
recordings served lately keep playing.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ivr.menustore import recordings
from ivr.menustore.recordings import Audio
from ivr.menustore.schema import recordings as table

log = logging.getLogger(__name__)
BUDGET = 32 * 1024 * 1024  # bytes of recordings kept in memory per process


class Served:
    """Stored recordings by ``(lang, filename)``, read through a small cache."""

    def __init__(self, engine: Callable[[], Engine], budget: int = BUDGET) -> None:
        self.engine, self.budget = engine, budget
        self._kept: OrderedDict[tuple[str, str], Audio] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._down = False

    def get(self, lang: str, filename: str) -> Audio | None:
        """The recording served as ``/audio/<lang>/<filename>``, None when none is stored."""
        key = (lang, filename)
        try:
            with self.engine().connect() as connection:
                sha = _checksum(connection, lang, filename)
                kept = self._kept.get(key)
                if sha is None or (kept is not None and kept.sha256 == sha):
                    found = None if sha is None else kept
                else:
                    found = recordings.get(connection, lang, filename)
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            if not self._down:
                log.error("recordings: the database cannot be reached (%s): serving the "
                          "recordings kept in memory", type(exc).__name__)
            self._down = True
            return self._kept.get(key)
        self._down = False
        self._keep(key, found)
        return found

    def _keep(self, key: tuple[str, str], audio: Audio | None) -> None:
        with self._lock:
            old = self._kept.pop(key, None)
            self._size -= len(old.content) if old else 0
            if audio is None or len(audio.content) > self.budget:
                return
            self._kept[key] = audio
            self._size += len(audio.content)
            while self._size > self.budget:
                _, dropped = self._kept.popitem(last=False)
                self._size -= len(dropped.content)


def _checksum(connection: sa.Connection, lang: str, filename: str) -> str | None:
    name, dot, ext = filename.rpartition(".")
    if not dot:
        return None
    return connection.execute(sa.select(table.c.sha256).where(
        table.c.lang == lang, table.c.name == name,
        table.c.ext == "." + ext.lower())).scalar()
