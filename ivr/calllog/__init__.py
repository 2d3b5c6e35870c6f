"""The call log: every call's record and ordered events, in SQLite or PostgreSQL.

``init_app`` puts a ``CallLog`` in ``app.extensions["calllog"]``; the voice
views call its ``record(events)``, which never blocks or breaks a call. Staff
pages read through ``connection()`` and the functions of ``report``,
``store`` and ``export``. Adapter: may import SQLAlchemy, ``ivr.db`` and
``ivr.call.events``; Flask only here and in ``cli``; never twilio, the phone
tree or the web adapter.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy.engine import Connection

from ivr.calllog import cli
from ivr.calllog.privacy import CallerPrivacy
from ivr.calllog.writer import CallLog, describe
from ivr.db import database

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the call log writer, its per-request connection and its CLI commands."""
    config = app.config
    if not config.get("IVR_CALLER_HASH_KEY") and not config.get("TESTING"):
        app.extensions.setdefault("ivr.config_warnings", []).append(
            "IVR_CALLER_HASH_KEY is not set: callers are logged masked only, and repeat "
            "callers cannot be recognised")
    privacy = CallerPrivacy.from_settings(config.get("IVR_CALLER_HASH_KEY"),
                                          bool(config.get("IVR_STORE_FULL_NUMBERS")))
    app.extensions["calllog"] = CallLog(config["DATABASE_URL"], Path(config["IVR_SPOOL_DIR"]),
                                        privacy)
    if database.sqlite_file(config["DATABASE_URL"]) is not None:
        upgrade_quietly(config["DATABASE_URL"])
    app.teardown_appcontext(_close_connection)
    app.cli.add_command(cli.db)
    app.cli.add_command(cli.calls)


def upgrade_quietly(url: str) -> None:
    """Create or upgrade a local SQLite log at start-up; a failure is logged, never fatal."""
    engine = database.create_engine(url)
    try:
        database.upgrade(engine)
    except Exception as exc:  # calls are still answered; events wait in the spool
        log.error("call log: cannot create or upgrade the database (%s)", describe(exc))
    finally:
        engine.dispose()  # no pooled connection may cross a gunicorn fork


def connection() -> Connection:
    """Return this request's connection to the call log, closed when the request ends."""
    if "calllog_connection" not in g:
        g.calllog_connection = current_app.extensions["calllog"].engine.connect()
    return g.calllog_connection


def _close_connection(_error: BaseException | None = None) -> None:
    found = g.pop("calllog_connection", None)
    if found is not None:
        found.close()
