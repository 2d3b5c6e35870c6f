"""The login throttle: failed logins make the next try from the same address wait, growing.

Failures are counted per (username, address): the first few cost nothing,
then each one doubles the wait before that username may be tried again from
that address, up to ``LoginLimits.longest_wait``. An account is never
locked: whoever knows its password logs in from any other address at once,
so an attacker who knows an admin's username cannot keep the admin out. An
address failing for many usernames waits likewise (the per-address ceiling,
high enough for an office whose staff share one address).

Failures are rows in the database, so every worker of every instance counts
the same ones. An attempt is stored before its password is checked (and
taken back when the password is right), so parallel tries from one address
see each other. A try refused for its wait is not checked and not counted,
so a wait ends when it is over, whatever an attacker keeps sending. A
successful login forgets the failures of its username from its address only:
neither an attacker's failures elsewhere nor a guessing address's others.
Failures older than ``window`` are forgotten; ``forget`` clears an account's
(``flask --app ivr staff unlock``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.calllog.store import aware, naive
from ivr.staff.schema import login_failures

FIELD_LENGTH = 64
NONE = timedelta(0)


@dataclass(frozen=True)
class LoginLimits:
    """How many failures are free, how the wait grows after them, and how long they count."""

    per_account: int = 3  # failures of one username from one address before it waits
    per_client: int = 20  # failures from one address, any username (staff may share one)
    first_wait: timedelta = timedelta(seconds=2)
    longest_wait: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=24)

    def wait_after(self, failures: int, free: int) -> timedelta:
        """Return the wait after ``failures`` failures of which ``free`` cost nothing."""
        if failures < free:
            return NONE
        return min(self.first_wait * 2 ** min(failures - free, 20), self.longest_wait)


def wait(connection: Connection, limits: LoginLimits, username: str, client: str,
         now: datetime) -> timedelta | None:
    """Return how long until ``username`` may be tried from ``client``; None: at once."""
    from_client = login_failures.c.client == client[:FIELD_LENGTH]
    of_account = login_failures.c.username == username[:FIELD_LENGTH]
    longest = NONE
    for where, free in (((of_account, from_client), limits.per_account),
                        ((from_client,), limits.per_client)):
        failures, latest = connection.execute(
            sa.select(sa.func.count(), sa.func.max(login_failures.c.at))
            .where(*where, login_failures.c.at > naive(now - limits.window))).one()
        if latest is not None:
            longest = max(longest, aware(latest) + limits.wait_after(failures, free) - now)
    return longest if longest > NONE else None


def attempted(connection: Connection, limits: LoginLimits, username: str, client: str,
              now: datetime) -> None:
    """Count an attempt as failed until it succeeds (the caller commits); forget old ones."""
    connection.execute(login_failures.insert().values(
        at=naive(now), username=username[:FIELD_LENGTH], client=client[:FIELD_LENGTH]))
    connection.execute(login_failures.delete()
                       .where(login_failures.c.at <= naive(now - limits.window)))


def succeeded(connection: Connection, username: str, client: str) -> None:
    """Forget the failures of ``username`` from ``client``, this attempt's too (caller commits)."""
    connection.execute(login_failures.delete().where(
        login_failures.c.username == username[:FIELD_LENGTH],
        login_failures.c.client == client[:FIELD_LENGTH]))


def forget(connection: Connection, username: str) -> int:
    """Forget every failure of ``username``, from any address; return how many (caller commits)."""
    return connection.execute(login_failures.delete().where(
        login_failures.c.username == username[:FIELD_LENGTH])).rowcount
