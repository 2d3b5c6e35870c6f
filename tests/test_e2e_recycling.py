"""Workers recycled by ``max_requests`` under traffic: every webhook answered, every event stored.

A real gunicorn from gunicorn.conf.py (preloaded app, staggered limits, the
fast exit), two workers recycled every 3 to 5 requests while a few clients
post signed calls: each request must get its TwiML, and the events of the
workers that left must reach the database once, taken up from their spool
files by the workers that stayed. How fast is for ``bench/load.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT
from test_e2e_gunicorn import TOKEN, _wait_until_up, free_port, post

from ivr.calllog.schema import call_events, calls
from ivr.db import database

pytestmark = pytest.mark.e2e
CALLS = 60
CLIENTS = 4
LIMIT = 5  # the largest limit of a worker (post_fork draws from [3, 6))


def stored(url: str) -> tuple[int, list[int]]:
    engine = database.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(calls.c.event_count)).scalars().all()
            events = connection.execute(sa.select(sa.func.count()).select_from(call_events))
            return events.scalar_one(), sorted(rows)
    finally:
        engine.dispose()


def complete(events: int, per_call: list[int]) -> bool:
    return len(per_call) == CALLS and len(set(per_call)) == 1 and events == sum(per_call)


def test_recycled_workers_answer_everything_and_lose_no_event(tmp_path: Path) -> None:
    port, url = free_port(), f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    env = {**os.environ, "TWILIO_AUTH_TOKEN": TOKEN, "IVR_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": url, "IVR_CALLER_HASH_KEY": "e2e-key", "SECRET_KEY": "e2e-secret",
           "WEB_CONCURRENCY": "2"}
    env.pop("IVR_ALLOW_UNSIGNED", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--max-requests", "3", "ivr:create_app()"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(base, server, log)
        forms = [{"CallSid": f"CA{n:032x}", "From": "+819012345678", "To": "+815000000000"}
                 for n in range(CALLS)]
        with ThreadPoolExecutor(CLIENTS) as clients:
            answers = list(clients.map(lambda form: post(base + "voice", form), forms))
        assert [status for status, _ in answers] == [200] * CALLS
        assert all(body.startswith(b'<?xml version="1.0" encoding="UTF-8"?><Response>')
                   for _, body in answers)
        deadline = time.monotonic() + 30
        while not complete(*stored(url)) and time.monotonic() < deadline:
            time.sleep(0.2)
        events, per_call = stored(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text(errors="replace")
    # A worker takes at most its limit, plus the requests of the other clients that it had
    # accepted before reaching it (often, on a loaded machine); the last worker on each
    # side takes fewer than its limit and is not recycled: 6 restarts at least (9 were seen
    # on the 2 cores under load, where the old bound, 10, failed).
    least = (CALLS - 2 * (LIMIT - 1)) // (LIMIT + CLIENTS - 1)
    assert text.count("Autorestarting worker") >= least
    assert "Exception" not in text and "Traceback" not in text
    assert len(per_call) == CALLS and per_call == [per_call[0]] * CALLS and per_call[0] > 1
    assert events == per_call[0] * CALLS
