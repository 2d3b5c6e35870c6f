"""Password checks never take every thread: a login that finds them busy is told so at once.

The staff pages share gunicorn's threads with the call webhooks, and an
argon2 hash holds a thread (and the cores) for tens of milliseconds. A login
arriving while this process's check slot is taken gets a 503 page at once
instead of a thread; bench/login_flood.py measures what this keeps for calls.
"""

from __future__ import annotations

import os
import sys
import threading

import pytest
import sqlalchemy as sa

from ivr.staff.schema import login_failures

from .staff_support import PASSWORD, add_user, engine, log_in, text

BUSY = ('<p class="problem" role="alert" id="login-error">The login is busy. '
        'Try again in a moment.</p>')


def slow_hasher(app):
    """Make the first password check wait for the test: return (inside, go) events."""
    gate = app.extensions["ivr.staff"]
    inside, go = threading.Event(), threading.Event()

    class Slow(type(gate.hasher)):
        def verify(self, hash, password):
            if not inside.is_set():
                inside.set()
                assert go.wait(10), "the test never let the check finish"
            return super().verify(hash, password)

    gate.hasher = Slow.from_parameters(gate.hasher._parameters)
    return inside, go


def test_a_login_while_another_is_checked_is_told_busy_at_once(app) -> None:
    add_user(app, "alice", "admin")
    add_user(app, "bob", "viewer")
    inside, go = slow_hasher(app)
    first: list[int] = []
    checking = threading.Thread(
        target=lambda: first.append(log_in(app.test_client(), "alice", PASSWORD).status_code))
    checking.start()
    try:
        assert inside.wait(10)
        busy = log_in(app.test_client(), "bob", PASSWORD)
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "1"
        assert BUSY in text(busy)
        assert 'value="bob"' in text(busy)  # the form keeps the username
    finally:
        go.set()
        checking.join(10)
    assert first == [302]
    with engine(app).connect() as connection:  # the busy try was neither checked nor counted
        assert connection.execute(sa.select(sa.func.count()).select_from(login_failures)) \
            .scalar() == 0
    assert log_in(app.test_client(), "bob", PASSWORD).status_code == 302  # the slot is free



@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="only Linux gives each thread its own CPU priority")
def test_passwords_are_checked_at_a_lower_cpu_priority(app) -> None:
    """The hash yields the cores to the webhooks: it runs ten nice steps below them."""
    add_user(app, "alice", "admin")
    gate = app.extensions["ivr.staff"]
    seen = []

    class Watching(type(gate.hasher)):
        def verify(self, hash, password):
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            return super().verify(hash, password)

    gate.hasher = Watching.from_parameters(gate.hasher._parameters)
    normal = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert log_in(app.test_client(), "alice", PASSWORD).status_code == 302
    assert log_in(app.test_client(), "alice", "wrong password!").status_code == 200
    assert seen == [min(19, normal + 10)] * 2
