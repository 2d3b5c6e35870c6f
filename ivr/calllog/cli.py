"""Command line of the call log: ``db upgrade``, ``calls export|purge|recount``.

Thin commands over plain functions; a database that cannot be reached is a
``click.ClickException`` (exit code 1, one line), not a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TextIO

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from ivr.calllog import store, tally
from ivr.calllog.export import export_csv, export_json
from ivr.calllog.listing import CallFilter
from ivr.calllog.writer import CallLog, describe
from ivr.db import database

db = AppGroup("db", help="The call log database.")
calls = AppGroup("calls", help="Export or purge logged calls.")
DATE = click.DateTime(formats=["%Y-%m-%d"])


def _call_log() -> CallLog:
    return current_app.extensions["calllog"]


@contextmanager
def _database() -> Iterator[None]:
    """Turn database errors into one-line command errors."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        url = _call_log().engine.url  # its repr hides the password
        raise click.ClickException(f"database {url!r}: {describe(exc)}") from None


@db.command("upgrade")
def upgrade_command() -> None:
    """Create the call log's tables, or bring them up to date (safe to run again)."""
    engine = _call_log().engine
    with _database():
        before = database.current_revision(engine)
        database.upgrade(engine)
        after = database.current_revision(engine)
    if before == after:
        click.echo(f"Database already at revision {after}.")
    else:
        click.echo(f"Database upgraded from {before or 'empty'} to revision {after}.")


@calls.command("export")
@click.option("--from", "date_from", type=DATE, help="First Japan date (YYYY-MM-DD).")
@click.option("--to", "date_to", type=DATE, help="Last Japan date, included.")
@click.option("--format", "form", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
def export_command(date_from: datetime | None, date_to: datetime | None, form: str,
                   output: str | None) -> None:
    """Export the calls that started between two Japan dates (CSV, or JSON with events)."""
    where = CallFilter(date_from=date_from.date() if date_from else None,
                       date_to=date_to.date() if date_to else None)
    write = export_csv if form == "csv" else export_json
    with _database(), _call_log().engine.connect() as connection, _opened(output) as out:
        count = write(connection, where, out)
    click.echo(f"Exported {_calls(count)}.", err=True)


@contextmanager
def _opened(path: str | None) -> Iterator[TextIO]:
    """Yield the output file (newline="" so CSV rows keep their CRLF), or standard output."""
    if path is None:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="") as file:
        yield file


@calls.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Delete calls older than this many days (default: IVR_RETENTION_DAYS).")
def purge_command(days: int | None) -> None:
    """Delete calls (with their events) older than the retention period; safe from cron."""
    days = days or current_app.config["IVR_RETENTION_DAYS"]
    before = store.retention_cutoff(datetime.now(UTC), days)
    with _database():
        count = store.purge(_call_log().engine, before)
    click.echo(f"Deleted {_calls(count)} that started before "
               f"{before.isoformat(timespec='seconds')} (older than {days} days).")


@calls.command("recount")
def recount_command() -> None:
    """Rebuild the dashboard's tallies from the call records (a repair; rarely needed)."""
    with _database(), _call_log().engine.begin() as connection:
        tally.recount(connection)
    click.echo("Dashboard tallies rebuilt from the call records.")


def _calls(count: int) -> str:
    return f"{count} call" if count == 1 else f"{count} calls"
