"""The login throttle: failures slow the next try of an account from an address, never lock it.

An attacker who knows an admin's username must not be able to keep the admin
out during an incident: failures count per (username, address), each one
beyond the free ones doubles the wait of the next try from that address, and
the admin, from any other address, logs in at once. An address failing for
many accounts waits too (the per-address ceiling).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ivr.staff.schema import login_failures

from .staff_support import PASSWORD, add_user, engine, log_in, post, text

WRONG = "wrong password!"
A, B = "203.0.113.7", "198.51.100.1"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def failures(app) -> list[tuple[str, str]]:
    with engine(app).connect() as connection:
        rows = connection.execute(sa.select(login_failures.c.username, login_failures.c.client)
                                  .order_by(login_failures.c.id)).all()
    return [tuple(row) for row in rows]


def hammer(client, clock, username: str, tries: int) -> list[int]:
    """Try wrong passwords as fast as the throttle lets: return each wait asked (Retry-After)."""
    waits = []
    for _ in range(tries):
        response = log_in(client, username, WRONG)
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.now += timedelta(seconds=waits[-1])
            assert log_in(client, username, WRONG).status_code == 200  # the wait is over
        else:
            assert response.status_code == 200
    return waits


def test_an_attacker_cannot_keep_a_known_admin_out(app, clock) -> None:
    add_user(app, "alice", "admin")
    attacker, admin = client_at(app, A), client_at(app, B)
    tries = [log_in(attacker, "alice", WRONG).status_code for _ in range(6)]
    assert log_in(admin, "alice", PASSWORD).status_code == 302  # from elsewhere: at once
    assert admin.get("/staff/admin/users").status_code == 200
    assert tries == [200, 200, 200, 429, 429, 429]
    assert hammer(attacker, clock, "alice", 5) == [2, 4, 8, 16, 32]
    post(admin, "/staff/logout")
    assert log_in(admin, "alice", PASSWORD).status_code == 302  # still at once
    refused = log_in(attacker, "alice", WRONG)  # the admin's logins gave the attacker nothing
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "64"


def test_the_wait_grows_to_fifteen_minutes_at_most(app, clock) -> None:
    add_user(app, "alice", "admin")
    waits = hammer(client_at(app, A), clock, "alice", 16)
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]


def test_during_a_wait_even_the_right_password_is_refused_unchecked(app, clock) -> None:
    add_user(app, "alice", "admin")
    client = client_at(app, A)
    for _ in range(3):
        assert log_in(client, "alice", WRONG).status_code == 200
    refused = log_in(client, "alice", PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    assert ('<p class="problem" role="alert" id="login-error">Too many failed logins from this '
            'address. Try again in 2 seconds.</p>') in text(refused)
    clock.now += timedelta(seconds=1)
    for _ in range(5):  # refused tries are not counted: they do not make the wait longer
        assert log_in(client, "alice", WRONG).headers["Retry-After"] == "1"
    assert len(failures(app)) == 3
    clock.now += timedelta(seconds=1)
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_waits_in_minutes_are_said_in_minutes(app, clock) -> None:
    add_user(app, "alice", "admin")
    client = client_at(app, A)
    hammer(client, clock, "alice", 9)  # nine failures: the next wait is 128 s
    refused = log_in(client, "alice", WRONG)
    assert refused.headers["Retry-After"] == "128"
    assert "Too many failed logins from this address. Try again in 3 minutes." in text(refused)


def test_a_login_forgets_the_failures_of_its_own_address_only(app, clock) -> None:
    add_user(app, "alice", "admin")
    here, there = client_at(app, A), client_at(app, B)
    for client in (here, here, there, there):
        log_in(client, "alice", WRONG)
    assert log_in(there, "alice", PASSWORD).status_code == 302
    assert failures(app) == [("alice", A), ("alice", A)]
    assert log_in(here, "alice", WRONG).status_code == 200  # the third free failure
    assert log_in(here, "alice", PASSWORD).status_code == 429


def test_an_address_guessing_many_accounts_waits(app, clock) -> None:
    add_user(app, "alice", "admin")
    guesser = client_at(app, A)
    for i in range(20):
        assert log_in(guesser, f"user{i}", WRONG).status_code == 200
    refused = log_in(guesser, "alice", PASSWORD)  # a fresh account, but from this address
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    clock.now += timedelta(seconds=2)
    assert log_in(guesser, "user20", WRONG).status_code == 200
    assert log_in(guesser, "user21", WRONG).headers["Retry-After"] == "4"
    assert log_in(client_at(app, B), "alice", PASSWORD).status_code == 302


def test_failures_are_forgotten_after_a_day(app, clock) -> None:
    add_user(app, "alice", "admin")
    client = client_at(app, A)
    hammer(client, clock, "alice", 14)
    assert log_in(client, "alice", PASSWORD).status_code == 429
    clock.now += timedelta(hours=24)
    assert log_in(client, "alice", WRONG).status_code == 200
    assert failures(app) == [("alice", A)]  # the old ones are deleted, not only ignored


def test_the_throttle_holds_across_workers_and_instances(staff_app, clock) -> None:
    first, second = staff_app(), staff_app()  # two apps, one database
    add_user(first, "alice", "admin")
    for _ in range(3):
        log_in(client_at(first, A), "alice", WRONG)
    assert log_in(client_at(second, A), "alice", PASSWORD).status_code == 429
    assert log_in(client_at(second, B), "alice", PASSWORD).status_code == 302


def test_an_attempt_is_counted_before_its_password_is_checked(app) -> None:
    """Parallel tries from one address see each other: the attempt is stored before the hash."""
    add_user(app, "alice", "admin")
    gate = app.extensions["ivr.staff"]
    seen = []

    class Watching(type(gate.hasher)):
        def verify(self, hash, password):
            seen.append(failures(app))  # what another worker sees meanwhile
            return super().verify(hash, password)

    gate.hasher = Watching.from_parameters(gate.hasher._parameters)
    assert log_in(client_at(app, A), "alice", WRONG).status_code == 200
    assert log_in(client_at(app, B), "alice", PASSWORD).status_code == 302
    assert seen == [[("alice", A)], [("alice", A), ("alice", B)]]
    assert failures(app) == [("alice", A)]  # the right password took its own attempt back


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_unknown_and_known_accounts_are_throttled_alike(app, username) -> None:
    add_user(app, "alice", "admin")
    client = client_at(app, A)
    for _ in range(3):
        assert log_in(client, username, WRONG).status_code == 200
    refused = log_in(client, username, WRONG)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"


def test_a_logout_does_not_touch_the_failures(app) -> None:
    add_user(app, "alice", "admin")
    client = client_at(app, A)
    log_in(client, "bob", WRONG)
    assert log_in(client, "alice", PASSWORD).status_code == 302
    post(client, "/staff/logout")
    assert failures(app) == [("bob", A)]
