"""Staff accounts: create, find, check a password, disable (SQLAlchemy Core; no Flask).

Passwords are stored as argon2id hashes (argon2-cffi's ``PasswordHasher``)
and rehashed at login when the hasher's parameters have changed. Each account
has a session generation that every session names and every request checks:
a logout, a new password, a new role, disabling or enabling the account adds
one to it, which ends every session signed in before, even one whose cookie
someone kept (the cookie is signed, not stored, so only the server can end it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from ivr.calllog.store import aware, naive
from ivr.staff.schema import ROLES, staff_users

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # longer input is not a password but a way to burn CPU
# Added to every change of an account that must end its sessions.
NEW_GENERATION = {"session_generation": staff_users.c.session_generation + 1}


class AccountError(ValueError):
    """An account change that cannot be made, with a message staff can act on."""


@dataclass(frozen=True)
class StaffUser:
    """A staff account as stored; it also answers Flask-Login's questions about itself."""

    id: int
    username: str
    password_hash: str = field(repr=False)
    role: str
    disabled: bool
    created_at: datetime  # aware UTC
    last_login_at: datetime | None
    session_generation: int

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        """The session's user id: the account and the generation it was signed in under."""
        return f"{self.id}:{self.session_generation}"

    @classmethod
    def from_row(cls, row: sa.Row) -> StaffUser:
        values = dict(row._mapping)
        values.update(disabled=bool(values["disabled"]), created_at=aware(values["created_at"]),
                      last_login_at=aware(values["last_login_at"]))
        return cls(**values)


def username_of(raw: str) -> str:
    """Return a username as stored: trimmed and lower case, so "Alice" is "alice"."""
    return raw.strip().lower()


def check_username(username: str) -> None:
    if not USERNAME.match(username):
        raise AccountError(f"'{username}' is not a valid username: use 1 to 64 lower-case "
                           "letters, digits, dots, dashes or underscores, starting with a "
                           "letter or digit.")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password must have at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"The password must have at most {MAX_PASSWORD} characters.")


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role: choose {' or '.join(ROLES)}.")


def create(connection: Connection, username: str, password: str, role: str,
           hasher: PasswordHasher, now: datetime) -> StaffUser:
    """Add an account (the caller commits); AccountError when a rule or the name forbids it."""
    check_username(username)
    check_role(role)
    check_password(password)
    if find(connection, username) is not None:
        raise AccountError(f"There is already an account named {username}.")
    connection.execute(staff_users.insert().values(
        username=username, password_hash=hasher.hash(password), role=role, disabled=False,
        created_at=naive(now)))
    return _found(find(connection, username), username)


def find(connection: Connection, username: str) -> StaffUser | None:
    row = connection.execute(sa.select(staff_users)
                             .where(staff_users.c.username == username)).first()
    return StaffUser.from_row(row) if row else None


def get(connection: Connection, user_id: int) -> StaffUser | None:
    row = connection.execute(sa.select(staff_users).where(staff_users.c.id == user_id)).first()
    return StaffUser.from_row(row) if row else None


def everyone(connection: Connection) -> list[StaffUser]:
    """Return every account, by username."""
    query = sa.select(staff_users).order_by(staff_users.c.username)
    return [StaffUser.from_row(row) for row in connection.execute(query)]


def set_disabled(connection: Connection, username: str, disabled: bool) -> StaffUser:
    """Disable or enable an account; either ends its sessions at their next request."""
    _update(connection, username, disabled=disabled, **NEW_GENERATION)
    return _found(find(connection, username), username)


def set_password(connection: Connection, username: str, password: str,
                 hasher: PasswordHasher) -> StaffUser:
    """Give an account a new password, which ends its sessions."""
    check_password(password)
    _update(connection, username, password_hash=hasher.hash(password), **NEW_GENERATION)
    return _found(find(connection, username), username)


def set_role(connection: Connection, username: str, role: str) -> StaffUser:
    """Make an account a viewer or an admin, which ends its sessions."""
    check_role(role)
    _update(connection, username, role=role, **NEW_GENERATION)
    return _found(find(connection, username), username)


def ensure(connection: Connection, username: str, password: str, role: str,
           hasher: PasswordHasher, now: datetime) -> StaffUser:
    """Create the account, or give the existing one this password and role, enabled."""
    if find(connection, username) is None:
        return create(connection, username, password, role, hasher, now)
    check_password(password)
    check_role(role)
    _update(connection, username, password_hash=hasher.hash(password), role=role,
            disabled=False, **NEW_GENERATION)
    return _found(find(connection, username), username)


def end_sessions(connection: Connection, user_id: int) -> None:
    """End every session of an account (the caller commits): its logout, in every browser."""
    connection.execute(staff_users.update().where(staff_users.c.id == user_id)
                       .values(**NEW_GENERATION))


def matches(password_hash: str, password: str, hasher: PasswordHasher) -> bool:
    """Return whether ``password`` is the one hashed in ``password_hash`` (never raises)."""
    if len(password) > MAX_PASSWORD:
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def signed_in(connection: Connection, user: StaffUser, password: str, hasher: PasswordHasher,
              now: datetime) -> StaffUser:
    """Note a login (the caller commits); rehash the password if the parameters changed."""
    values: dict[str, object] = {"last_login_at": naive(now)}
    if hasher.check_needs_rehash(user.password_hash):
        values["password_hash"] = hasher.hash(password)
    _update(connection, user.username, **values)
    return _found(find(connection, user.username), user.username)


def _update(connection: Connection, username: str, **values: object) -> None:
    result = connection.execute(staff_users.update()
                                .where(staff_users.c.username == username).values(**values))
    if result.rowcount == 0:
        raise AccountError(f"There is no account named {username}.")


def _found(user: StaffUser | None, username: str) -> StaffUser:
    if user is None:
        raise AccountError(f"There is no account named {username}.")
    return user
