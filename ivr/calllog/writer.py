"""The never-blocking call log writer: webhooks append to a spool file, a thread stores it.

``record`` only redacts the events and appends them to this process's spool
file, so a slow, locked or dead database never delays or breaks a call. A
background thread drains the spool into the database in order (idempotently,
so a retried batch stores nothing twice; the events of a quarter of a second
go in one transaction, not one commit per webhook), keeps it on failure or while
the tables are missing or behind the code, retries (``trouble``: how often, and
what the operator is told), and looks every second for the spool files of
stopped processes to drain them too. A stopping process lets go of its spool
file (gunicorn's SIGTERM: after one flush) and leaves what it holds to them.
Threads, files and engines are made lazily per process: safe after a fork.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ivr.call.events import CallEvent
from ivr.calllog import spool, store
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.trouble import SchemaBehind, Trouble, describe
from ivr.db import database

log = logging.getLogger(__name__)
# The database (or the disk) is unavailable: keep the events and retry later. Any other
# error belongs to the events being written, and retrying them cannot help.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.ProgrammingError,
               sa.exc.InternalError, sa.exc.DisconnectionError, sa.exc.TimeoutError, OSError)
REJECTED = "rejected-events.txt"
ORPHAN_BATCH = 1000  # lines of an orphaned spool written per transaction


_PID = [os.getpid()]  # this process's id, kept by a fork hook: no system call per webhook
os.register_at_fork(after_in_child=lambda: _PID.__setitem__(0, os.getpid()))


class Stopping(Exception):
    """The process is stopping: leave the orphan to another process."""


class CallLog:
    """The app's call log writer (``app.extensions["calllog"]``)."""

    def __init__(self, url: str, spool_dir: Path, privacy: CallerPrivacy, *,
                 busy_timeout: float = 5.0, retry_delays: tuple[float, float] = (0.5, 5.0),
                 idle_seconds: float = 1.0, gather_seconds: float = 0.25) -> None:
        self.url = url
        self.spool_dir = Path(spool_dir)
        self.privacy = privacy
        self.busy_timeout = busy_timeout
        self.retry_delays = retry_delays
        self.idle_seconds = idle_seconds
        self.gather_seconds = gather_seconds  # events of a burst share one transaction
        self._guard = threading.Lock()
        self._drain: Drain | None = None

    def record(self, events: Sequence[CallEvent]) -> None:
        """Keep ``events`` for the database; returns at once and never raises."""
        if not events:
            return
        try:
            lines = [spool.encode(self.privacy.redact(event)) for event in events]
            self._current().record(lines)
        except Exception as exc:  # the log must never break a call
            log.error("call log: %d event(s) lost (%s)", len(events),
                      type(exc).__name__)

    def start(self) -> None:
        """Start this process's writer now, so that it takes up the spool files of workers
        that left even if this one never answers a call (gunicorn's post_worker_init)."""
        self._current()._start()

    def flush(self, timeout: float = 10.0, *, once: bool = False) -> bool:
        """Store what is kept (orphans too); False if not done in ``timeout`` (once: one try)."""
        return self._current().flush(timeout, once=once)

    @property
    def engine(self) -> Engine:
        """This process's engine, for reading the log (staff pages, CLI)."""
        return self._current().engine

    def close(self, timeout: float = 0.1) -> None:
        """Stop at once: release the spool file to other processes and end the thread.

        Nothing waits for the database: a recycled or stopped worker makes room
        for its successor at once. What is not stored is in the spool file, whose
        lock closing drops, so another process's drain (within ``idle_seconds``)
        or the next start stores it. The thread gets ``timeout`` to finish a
        transaction; one still waiting on the database then is rolled back.
        """
        with self._guard:
            drain, self._drain = self._drain, None
        atexit.unregister(self.close)
        if drain is not None and drain.pid == _PID[0]:
            drain.stop(timeout)

    def _current(self) -> Drain:
        """Return this process's drain, making a new one after a fork."""
        drain = self._drain
        if drain is not None and drain.pid == _PID[0]:
            return drain
        with self._guard:
            if self._drain is None or self._drain.pid != _PID[0]:
                if self._drain is not None:
                    self._drain.abandon()
                self._drain = Drain(self)
                atexit.register(self.close)
            return self._drain


class Drain:
    """One process's spool file, engine and drain thread, each made when first needed."""

    def __init__(self, owner: CallLog) -> None:
        self.owner = owner
        self.pid = _PID[0]
        self._engine: Engine | None = None
        self._spool: spool.Spool | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._urgent = threading.Event()  # flush or stop: no gathering
        self._stopping = False
        self._trouble = Trouble(owner.retry_delays)
        self._schema_checked = False  # the tables are those of this code (or newer)
        self._orphans_due = 0.0
        self._cycles_started = self._cycles_done = self._cycles_clean = 0

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = database.create_engine(self.owner.url,
                                                      busy_timeout=self.owner.busy_timeout)
            return self._engine

    def record(self, lines: list[bytes]) -> None:
        self._start().append(lines)
        if not self._trouble.delay:  # while failing, wait for the retry time instead
            self._wake.set()

    def flush(self, timeout: float, *, once: bool = False) -> bool:
        """Wait for a clean drain cycle begun after this call (``once``: for any cycle)."""
        self._start()
        deadline = time.monotonic() + timeout
        with self._changed:
            target = self._cycles_started + 1  # a cycle that begins after this call
            self._orphans_due = 0.0
            self._urgent.set()
            self._wake.set()
            while self._cycles_clean < target:
                left = deadline - time.monotonic()
                if (once and self._cycles_done >= target) or left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def stop(self, timeout: float) -> None:
        self._stopping = True
        self._urgent.set()
        self._wake.set()
        if self._spool is not None:
            self._spool.close()  # what it still holds is an orphan now, for any drain
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return  # still in a transaction: leave its engine to it
        if self._engine is not None:
            self._engine.dispose()

    def abandon(self) -> None:
        """In a forked child: let go of the parent's file and connections, touching neither."""
        if self._spool is not None:
            self._spool.abandon()
        if self._engine is not None:
            self._engine.dispose(close=False)

    def _start(self) -> spool.Spool:
        with self._lock:
            if self._spool is None:
                self._spool = spool.Spool(self.owner.spool_dir)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="calllog-drain",
                                                daemon=True)
                self._thread.start()
            return self._spool

    def _run(self) -> None:
        while True:
            delay = self._trouble.delay
            if self._wake.wait(delay or self.owner.idle_seconds) and not delay:
                # woken by a webhook: let the events of the next moments join this
                # transaction, rather than one commit (and its fsync) per webhook
                self._urgent.wait(self.owner.gather_seconds)
            self._wake.clear()
            self._urgent.clear()
            if self._stopping:
                if self._engine is not None:  # stop() could not wait for this thread
                    self._engine.dispose()
                return
            with self._changed:
                self._cycles_started += 1
                cycle = self._cycles_started
            clean = self._cycle()
            with self._changed:
                self._cycles_done = cycle
                if clean:
                    self._cycles_clean = cycle
                self._changed.notify_all()

    def _cycle(self) -> bool:
        """Drain this process's spool (and orphans when due); False when the database failed."""
        try:
            if not self._schema_checked:
                self._check_schema()
            stored = self._drain_own()
            if time.monotonic() >= self._orphans_due:
                self._orphans_due = time.monotonic() + self.owner.idle_seconds
                stored += self._drain_orphans()
        except Stopping:
            return False
        except Exception as exc:  # the thread must live on, whatever happens
            self._schema_checked = False  # a database back from an outage may be another
            self._drop_connections()
            self._trouble.failed(exc, self._spool.pending() if self._spool else 0)
            return False
        self._trouble.recovered(stored)
        return self._spool is None or self._spool.pending() == 0

    def _check_schema(self) -> None:
        """Raise SchemaBehind when the database lacks migrations of this code."""
        with self.engine.connect() as connection:
            missing = database.missing_migrations(connection)
        if missing is not None:
            raise SchemaBehind(*missing)
        self._schema_checked = True

    def _drop_connections(self) -> None:
        """After a failure, keep no pooled connection: the next try opens a fresh one."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()

    def _drain_own(self) -> int:
        stored = 0
        while self._spool is not None:
            lines, end = self._spool.read()
            if not lines:
                return stored
            stored += self._store(lines)
            self._spool.commit(end)
        return stored

    def _drain_orphans(self) -> int:
        stored = 0
        own = self._spool.path if self._spool else None
        for orphan in spool.orphans(self.owner.spool_dir, own):
            try:
                lines = orphan.lines()
                for start in range(0, len(lines), ORPHAN_BATCH):
                    if self._stopping:
                        raise Stopping
                    stored += self._store(lines[start:start + ORPHAN_BATCH])
            except BaseException:
                orphan.release()  # another process, or our next cycle, tries again
                raise
            orphan.remove()
        return stored

    def _store(self, lines: list[bytes]) -> int:
        """Write decoded lines in one transaction; return how many events were new."""
        events = spool.decode_lines(lines)
        try:
            return self._write(events)
        except UNAVAILABLE:
            raise
        except Exception:  # one bad call must not hold up the others
            return self._store_each_call(events)

    def _store_each_call(self, events: list[CallEvent | spool.Line]) -> int:
        """Write call by call, setting aside the calls the database refuses."""
        stored = 0
        for sid in dict.fromkeys(e.call_sid for e in events):
            call = [e for e in events if e.call_sid == sid]
            try:
                stored += self._write(call)
            except UNAVAILABLE:
                raise
            except Exception as exc:
                self._reject(call, exc)
        return stored

    def _write(self, events: list[CallEvent | spool.Line]) -> int:
        with self.engine.begin() as connection:
            return store.write_events(connection, events)

    def _reject(self, events: list[CallEvent | spool.Line], error: BaseException) -> None:
        """Set aside events that cannot be stored, in the spool folder, for a human to look at."""
        log.error("call log: %d events could not be stored (%s), set aside in %s",
                  len(events), describe(error), REJECTED)
        with open(self.owner.spool_dir / REJECTED, "ab") as file:
            file.writelines(spool.encode(event) for event in events)

