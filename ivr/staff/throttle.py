"""The login rate limit: so many failed logins per username and per client in a window.

Failures are rows in the database, so every worker of every instance counts
the same ones. A blocked attempt is refused before its password is checked
and is not counted itself, so the block ends when the window has passed
since the failures that caused it, whatever an attacker keeps sending. A
successful login clears its username's failures (not its client's: a valid
account must not reset an address that is guessing others' passwords).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ivr.calllog.store import aware, naive
from ivr.staff.schema import login_failures

FIELD_LENGTH = 64


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins a username and a client may have within ``window``."""

    per_username: int = 5
    per_client: int = 20  # several staff may share one office address
    window: timedelta = timedelta(minutes=15)


def wait(connection: Connection, limits: LoginLimits, username: str, client: str,
         now: datetime) -> timedelta | None:
    """Return how long until a login for ``username`` from ``client`` may be tried, or None."""
    longest = None
    for column, key, limit in ((login_failures.c.username, username, limits.per_username),
                               (login_failures.c.client, client, limits.per_client)):
        oldest = _oldest_counted(connection, column, key[:FIELD_LENGTH], limit,
                                 naive(now - limits.window))
        if oldest is not None:
            left = aware(oldest) + limits.window - now
            longest = left if longest is None else max(longest, left)
    return longest


def _oldest_counted(connection: Connection, column: sa.Column, key: str, limit: int,
                    since: datetime) -> datetime | None:
    """Return the time of the ``limit``-th latest failure since ``since``: None if fewer."""
    query = (sa.select(login_failures.c.at).where(column == key, login_failures.c.at > since)
             .order_by(login_failures.c.at.desc()).offset(limit - 1).limit(1))
    return connection.execute(query).scalar_one_or_none()


def failed(connection: Connection, limits: LoginLimits, username: str, client: str,
           now: datetime) -> None:
    """Count a failed login (the caller commits), and forget failures older than the window."""
    connection.execute(login_failures.insert().values(
        at=naive(now), username=username[:FIELD_LENGTH], client=client[:FIELD_LENGTH]))
    connection.execute(login_failures.delete()
                       .where(login_failures.c.at <= naive(now - limits.window)))


def succeeded(connection: Connection, username: str) -> None:
    """Forget the failed logins of ``username`` (the caller commits)."""
    connection.execute(login_failures.delete()
                       .where(login_failures.c.username == username[:FIELD_LENGTH]))
