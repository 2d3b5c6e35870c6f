"""When the call log cannot write: one clear message, quiet retries, and a word when it is over.

A database that refuses or cuts connections, a locked SQLite file, or tables
that are missing or behind the code (a deploy that skipped the Procfile's
release step) all keep the events in the spool. The writer says so once, when
it begins: for the schema an error naming the command to run; then it retries
every few seconds without a line per try (a reminder every ``REMIND_SECONDS``
while it lasts) and says when it is over and how many kept events it stored.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("ivr.calllog.writer")
REMIND_SECONDS = 600.0
UPGRADE = "flask --app ivr db upgrade"


def describe(error: BaseException) -> str:
    """Return the error's kind and first line, without SQL parameters (caller data)."""
    message = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{type(error).__name__}: {message[0] if message else ''}"


class SchemaBehind(Exception):
    """The database lacks migrations of this code: nothing is written until they are run."""

    def __init__(self, current: str | None, head: str) -> None:
        self.current, self.head = current, head
        super().__init__(
            f"call log: the database schema is {f'at revision {current}' if current else 'empty'}, "
            f"this code needs revision {head}: run `{UPGRADE}` (the Procfile's release "
            "step). Call events are kept in the spool and written once the schema is there.")


class Trouble:
    """The writer's state while the database fails: when to retry, what was said."""

    def __init__(self, delays: tuple[float, float]) -> None:
        self.first, self.high = delays
        self.delay = 0.0  # > 0 while failing: the time to the next try
        self._since: float | None = None
        self._said: str | None = None  # what was said last, kept after a recovery:
        self._reminded = -REMIND_SECONDS  # a database that flaps is said once in a while

    def failed(self, error: BaseException, pending: int) -> float:
        """Note a failed try; say so if it is new; return the delay before the next try."""
        now = time.monotonic()
        self.delay = min(self.high, self.delay * 2) if self.delay else self.first
        if self._since is None:
            self._since = now
        key = str(error) if isinstance(error, SchemaBehind) else "unavailable"
        if key != self._said or now - self._reminded >= REMIND_SECONDS:
            self._said, self._reminded = key, now
            if isinstance(error, SchemaBehind):
                log.error("%s", error)
            else:
                log.warning("call log: cannot write to the database (%s); call events are kept "
                            "in the spool and written when it is back (retrying every %.0f s "
                            "at most)", describe(error), self.high)
            if now - self._since >= REMIND_SECONDS:
                log.warning("call log: still failing after %.0f s; %d bytes of call events "
                            "kept in the spool", now - self._since, pending)
        else:
            log.debug("call log: still failing (%s)", describe(error))
        return self.delay

    def recovered(self, stored: int) -> None:
        """Note a clean write; say the trouble is over if there was one."""
        if self._since is not None:
            log.info("call log: database back, %d kept events stored", stored)
        self.delay, self._since = 0.0, None
