"""gunicorn.conf.py's hooks: recycling is staggered, and a worker that is done leaves at once.

A recycled worker is replaced only after it has exited: its exit must not
wait for the interpreter's teardown, and the workers must not all reach their
request limit together. The hooks run here as gunicorn runs them: ``post_fork``
in a new worker, ``worker_exit`` in the ``finally`` of a worker's
``sys.exit``, and ``worker_exit`` in the master, for a worker already gone.
"""

from __future__ import annotations

import gc
import os
import runpy
import sys
import threading
import time
from types import SimpleNamespace

import pytest
from conftest import ROOT

CONF = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def server(max_requests: int) -> SimpleNamespace:
    return SimpleNamespace(cfg=SimpleNamespace(max_requests=max_requests))


def test_each_worker_gets_a_limit_between_max_requests_and_twice_that() -> None:
    limits = []
    for _ in range(200):
        worker = SimpleNamespace(max_requests=1000)
        CONF["post_fork"](server(1000), worker)
        limits.append(worker.max_requests)
    assert 1000 <= min(limits) < 1100
    assert 1900 <= max(limits) < 2000
    assert CONF["max_requests_jitter"] == 0  # the spread is post_fork's, in proportion


def test_no_limit_stays_no_limit() -> None:
    worker = SimpleNamespace(max_requests=sys.maxsize)
    CONF["post_fork"](server(0), worker)
    assert worker.max_requests == sys.maxsize


def test_a_worker_that_is_done_runs_its_atexit_handlers_and_exits_without_teardown() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: gunicorn calls worker_exit in the finally of sys.exit(0)
        try:
            os.close(read)
            forever = threading.Event()
            threading.Thread(target=forever.wait).start()  # a normal exit would wait for it
            import atexit

            atexit._clear()  # pytest's own handlers belong to the parent
            atexit.register(os.write, write, b"spool released")
            try:
                sys.exit(0)
            finally:
                CONF["worker_exit"](None, SimpleNamespace(pid=os.getpid()))
        finally:
            os._exit(70)  # the hook returned: not what a worker that is done must do
    os.close(write)
    status = wait(pid, seconds=20)
    with os.fdopen(read, "rb") as pipe:
        assert (status, pipe.read()) == (0, b"spool released")


def wait(pid: int, seconds: float) -> int | None:
    """Return the child's exit status, or None (and kill it) when it is still there."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None


@pytest.mark.parametrize(("code", "pid"), [(3, "own"), (0, "other")])
def test_an_error_exit_and_the_master_keep_the_normal_way(code, pid) -> None:
    """gunicorn must see a worker's error code; the master calls the hook for dead workers."""
    worker = SimpleNamespace(pid=os.getpid() if pid == "own" else os.getpid() + 1)
    with pytest.raises(SystemExit) as leaving:
        try:
            sys.exit(code)
        finally:
            CONF["worker_exit"](None, worker)
    assert leaving.value.code == code


def test_a_new_worker_starts_its_call_log_writer_before_any_call(app) -> None:
    """Its writer takes up the spool files of workers that left, even if no call comes."""
    def drains() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "calllog-drain"}

    before = drains()
    CONF["post_worker_init"](SimpleNamespace(wsgi=app))
    assert len(drains() - before) == 1
    app.extensions["calllog"].close()
    CONF["post_worker_init"](SimpleNamespace(wsgi=object()))  # not our app: nothing to start


def test_a_new_worker_looks_at_the_menus_before_its_first_call(make_app) -> None:
    """The worker's menus watcher starts (and looks at the source) in post_worker_init, so
    the first caller of a new or recycled worker does not wait for that look."""
    app = make_app(IVR_MENU_RELOAD_SECONDS=60)
    holder = app.extensions["ivr.menus"]

    def watchers() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "menus-watch"}

    before = watchers()
    looks = []
    check = holder.check
    holder.check = lambda: looks.append(1) or check()
    CONF["post_worker_init"](SimpleNamespace(wsgi=app))
    try:
        assert len(watchers() - before) == 1
        assert looks == [1]
    finally:
        holder.close()


def test_the_masters_objects_are_frozen_before_workers_are_forked() -> None:
    """What the preloaded app holds is left out of the workers' garbage collections."""
    try:
        gc.unfreeze()
        CONF["when_ready"](SimpleNamespace(cfg=SimpleNamespace(address=[]),
                                           log=SimpleNamespace(warning=print)))
        frozen = gc.get_freeze_count()
        assert frozen > 10_000
        made_since = [{"a": 1}]  # by the master between forks (a worker replaced)
        assert any(thing is made_since for thing in gc.get_objects())
        CONF["pre_fork"](server(0), SimpleNamespace())
        # made_since is frozen now; the count is not compared with the first one: frozen
        # objects freed in between (an earlier test's thread ending) lower it
        assert not any(thing is made_since for thing in gc.get_objects())
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
