"""Password checks, bounded and behind the calls: fewer at once than threads, at low priority.

A password check is an argon2 hash: 64 MiB and tens of milliseconds of every
core, on purpose. The staff pages share gunicorn's workers and threads with
the call webhooks, and a flood of logins that hashed on every thread left
calls waiting seconds behind it. So each process checks ``size`` passwords
at most at once (fewer than its threads), and a login that finds every slot
taken does not wait for one: it is told the login is busy at once and holds
no thread a webhook needs. The hash itself runs on a thread of lower CPU
priority (Linux), so a webhook wanting a core gets it before a hash does.
``bench/login_flood.py`` measures the webhooks during such a flood.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class HashSlots:
    """``size`` slots for password checks, run ``nice`` steps below normal CPU priority."""

    size: int = 1
    nice: int = 10
    _free: threading.BoundedSemaphore = field(init=False, repr=False)
    _pool: ThreadPoolExecutor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._free = threading.BoundedSemaphore(self.size)
        # Threads start at the first check: in the worker, never in a process that forks.
        self._pool = ThreadPoolExecutor(self.size, thread_name_prefix="password-check",
                                        initializer=_lower_priority, initargs=(self.nice,))

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yield whether a slot was free, at once (no waiting); free it again afterwards."""
        taken = self._free.acquire(blocking=False)
        try:
            yield taken
        finally:
            if taken:
                self._free.release()

    def run(self, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``check`` (a hash) on a low-priority thread and return its result."""
        return self._pool.submit(check, *args, **kwargs).result()


def _lower_priority(nice: int) -> None:
    """Lower this thread's CPU priority; argon2's own threads inherit it (Linux only).

    On Linux the nice value is per thread, and raising it needs no privilege.
    Elsewhere it is per process, so it is left alone there.
    """
    if sys.platform.startswith("linux") and nice:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread,
                       min(19, os.getpriority(os.PRIO_PROCESS, thread) + nice))
