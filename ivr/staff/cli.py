"""Command line of staff accounts: ``flask --app ivr staff create|disable|unlock|list...``.

Accounts are made here, never with a default password: the first admin is
``flask --app ivr staff create alice --role admin``. Thin commands over
``ivr.staff.accounts``; a refused change or an unreachable database is one
line and exit code 1.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import Connection

from ivr.calllog.outcome import JAPAN
from ivr.calllog.writer import describe
from ivr.menustore import audit
from ivr.staff import accounts, throttle
from ivr.staff.accounts import AccountError, StaffUser
from ivr.staff.auth import staff_login
from ivr.staff.schema import ROLES

staff = AppGroup("staff", help="Staff accounts of the /staff pages.")
DEV_ADMIN = "dev-admin"
ACTOR = "command line"  # who the audit log names for these commands
ROLE = click.Choice(ROLES)


@contextmanager
def _accounts() -> Iterator[Connection]:
    """Yield a connection in a transaction; refusals and database errors become one line."""
    engine = current_app.extensions["calllog"].engine
    try:
        with engine.begin() as connection:
            yield connection
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    except sa.exc.SQLAlchemyError as exc:
        raise click.ClickException(f"database {engine.url!r}: {describe(exc)} (has "
                                   "`flask --app ivr db upgrade` been run?)") from None


def _audited(connection: Connection, action: str, username: str, **detail: str) -> None:
    """Record an account change in the audit log, in the change's own transaction."""
    audit.record(connection, ACTOR, action, f"account {username}",
                 current_app.extensions["ivr.clock"](), **detail)


def _password(from_stdin: bool) -> str:
    """Ask for a password twice, or read one line of standard input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@staff.command("create")
@click.argument("username")
@click.option("--role", type=ROLE, required=True, help="viewer: browse; admin: also export "
              "and manage accounts.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(username: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (the password is asked twice; at least 12 characters)."""
    username = accounts.username_of(username)
    with _accounts() as connection:
        accounts.check_username(username)
        if accounts.find(connection, username) is not None:
            raise AccountError(f"There is already an account named {username}.")
    password = _password(password_stdin)
    with _accounts() as connection:
        accounts.create(connection, username, password, role, staff_login().hasher,
                        current_app.extensions["ivr.clock"]())
        _audited(connection, "account.create", username, role=role)
    click.echo(f"Created {role} {username}.")


@staff.command("disable")
@click.argument("username")
def disable_command(username: str) -> None:
    """Disable an account: it cannot log in, and its sessions end at once."""
    with _accounts() as connection:
        user = accounts.set_disabled(connection, accounts.username_of(username), True)
        _audited(connection, "account.disable", user.username)
    click.echo(f"Disabled {user.username}: their sessions have ended.")


@staff.command("enable")
@click.argument("username")
def enable_command(username: str) -> None:
    """Enable a disabled account again (its password is unchanged)."""
    with _accounts() as connection:
        user = accounts.set_disabled(connection, accounts.username_of(username), False)
        _audited(connection, "account.enable", user.username)
    click.echo(f"Enabled {user.username}.")


@staff.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(username: str, password_stdin: bool) -> None:
    """Give an account a new password; its sessions end."""
    username = accounts.username_of(username)
    with _accounts() as connection:
        if accounts.find(connection, username) is None:
            raise AccountError(f"There is no account named {username}.")
    password = _password(password_stdin)
    with _accounts() as connection:
        accounts.set_password(connection, username, password, staff_login().hasher)
        _audited(connection, "account.password", username)
    click.echo(f"New password set for {username}: their sessions have ended.")


@staff.command("set-role")
@click.argument("username")
@click.option("--role", type=ROLE, required=True)
def set_role_command(username: str, role: str) -> None:
    """Make an account a viewer or an admin; its sessions end (it logs in again as such)."""
    with _accounts() as connection:
        user = accounts.set_role(connection, accounts.username_of(username), role)
        _audited(connection, "account.role", user.username, role=role)
    click.echo(f"{user.username} is now {'an admin' if role == 'admin' else 'a viewer'}: "
               "their sessions have ended.")


@staff.command("unlock")
@click.argument("username")
def unlock_command(username: str) -> None:
    """Forget an account's failed logins from every address, so no try of it waits."""
    username = accounts.username_of(username)
    with _accounts() as connection:
        if accounts.find(connection, username) is None:
            raise AccountError(f"There is no account named {username}.")
        cleared = throttle.forget(connection, username)
        _audited(connection, "account.unlock", username, cleared=cleared)
    click.echo(f"Cleared {cleared} failed login{'s' if cleared != 1 else ''} of {username}: "
               f"{username} may log in again from any address.")


@staff.command("list")
def list_command() -> None:
    """List the accounts: role, status, when made and when last logged in (Japan time)."""
    with _accounts() as connection:
        everyone = accounts.everyone(connection)
    if not everyone:
        click.echo("No staff accounts yet. Create the first admin with:\n"
                   "  flask --app ivr staff create USERNAME --role admin")
        return
    for line in table(everyone):
        click.echo(line.rstrip())


def table(everyone: list[StaffUser]) -> list[str]:
    """Return the accounts as aligned columns under a header."""
    rows = [("username", "role", "status", "created (JST)", "last login (JST)")]
    rows += [(u.username, u.role, "disabled" if u.disabled else "active", _when(u.created_at),
              _when(u.last_login_at)) for u in everyone]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M")


@staff.command("dev-admin")
def dev_admin_command() -> None:
    """Development only (IVR_DEV): make or reset the local admin 'dev-admin' and print its login."""
    if not current_app.config["IVR_DEV"]:
        raise click.ClickException(
            "staff dev-admin only works in development (IVR_DEV=1). Create real accounts "
            "with: flask --app ivr staff create USERNAME --role admin")
    password = secrets.token_urlsafe(12)
    with _accounts() as connection:
        made = accounts.find(connection, DEV_ADMIN) is None
        accounts.ensure(connection, DEV_ADMIN, password, "admin", staff_login().hasher,
                        current_app.extensions["ivr.clock"]())
        _audited(connection, "account.create" if made else "account.password", DEV_ADMIN,
                 role="admin")
    click.echo("Staff login for this machine (development only):\n"
               f"  username: {DEV_ADMIN}\n  password: {password}")
