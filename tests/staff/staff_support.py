"""What the staff tests share besides fixtures: accounts, logging in, calls in the log."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import sqlalchemy as sa
from calllog.calllog_support import Script
from conftest import jst
from flask import Flask
from flask.testing import FlaskClient

from ivr.call.events import EndReason, Kind
from ivr.calllog import store
from ivr.staff import accounts
from ivr.staff.accounts import StaffUser

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def engine(app: Flask) -> sa.Engine:
    return app.extensions["calllog"].engine


def add_user(app: Flask, username: str, role: str = "viewer", password: str = PASSWORD,
             *, disabled: bool = False) -> StaffUser:
    """Create an account as the CLI does."""
    with engine(app).begin() as connection:
        accounts.create(connection, username, password, role, app.extensions["ivr.staff"].hasher,
                        app.extensions["ivr.clock"]())
        if disabled:
            accounts.set_disabled(connection, username, True)
        return accounts.find(connection, username)


def user(app: Flask, username: str) -> StaffUser | None:
    with engine(app).connect() as connection:
        return accounts.find(connection, username)


def token(client: FlaskClient, url: str = "/staff/login", **options: Any) -> str:
    """Return the CSRF token of the form on ``url`` (the session's token)."""
    found = _TOKEN.search(client.get(url, **options).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def log_in(client: FlaskClient, username: str, password: str, **form: str) -> Any:
    """Post the login form as a browser would, token included."""
    data = {"csrf_token": token(client), "username": username, "password": password, **form}
    return client.post("/staff/login", data=data)


def post(client: FlaskClient, url: str, page: str = "/staff/calls", **form: str) -> Any:
    """Post a staff form with the token of the session (taken from ``page``)."""
    return client.post(url, data={"csrf_token": token(client, page), **form})


def write(app: Flask, *scripts: Any) -> None:
    """Store the scripts' events through the real store, redacted as the writer does."""
    privacy = app.extensions["calllog"].privacy
    with engine(app).begin() as connection:
        store.write_events(connection, [privacy.redact(e) for s in scripts for e in s.events])


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def svg_of(html: str, figure_id: str) -> ET.Element:
    """Return the SVG chart of the figure ``figure_id`` in a page, parsed."""
    start = html.index(f'id="{figure_id}"')
    begin = html.index("<svg viewBox", start)
    end = html.index("</svg>", begin) + len("</svg>")
    return ET.fromstring(html[begin:end])


A, B = "+819012345678", "+818011112222"


def connected(sid: str, at: str, caller: str = A) -> Script:
    call = Script(sid, jst(at)).started(caller).connected("en", "police")
    call.status("completed", "95")
    return call


def closed(sid: str, at: str, caller: str = A) -> Script:
    call = Script(sid, jst(at)).started(caller)
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.KEY_PRESSED, menu="language", digit="3")
    call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="tl")
    call.add(Kind.MENU_ENTERED, menu="main")
    call.add(Kind.KEY_PRESSED, menu="main", digit="4")
    call.add(Kind.SERVICE_CHOSEN, seq=1, service="iom", menu="main")
    call.add(Kind.CLOSED, seq=2, service="iom", reason="break",
             next_open="2026-11-21T13:30:00+09:00")
    return call


def silent(sid: str, at: str, caller: str = A, hotline: str = "main") -> Script:
    call = Script(sid, jst(at), hotline).started(caller)
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.SILENCE, menu="language", attempt=3)
    call.add(Kind.CALL_ENDED, seq=1, where="language", reason=EndReason.NO_INPUT)
    return call


def hung_up(sid: str, at: str, caller: str) -> Script:
    call = Script(sid, jst(at)).started(caller)
    call.add(Kind.MENU_ENTERED, menu="language")
    call.add(Kind.KEY_PRESSED, menu="language", digit="1")
    call.add(Kind.LANGUAGE_CHOSEN, seq=1, language="vi")
    call.add(Kind.MENU_ENTERED, menu="legal")
    return call


def told(sid: str, at: str, caller: str = A) -> Script:
    call = Script(sid, jst(at)).started(caller)
    call.add(Kind.LANGUAGE_CHOSEN, language="en")
    call.add(Kind.SERVICE_CHOSEN, service="human-rights", menu="main")
    call.add(Kind.NUMBER_TOLD, seq=1, service="human-rights")
    return call


def five_calls(app: Flask) -> None:
    """Log five calls over five Japan days; the caller A made three of them."""
    write(app, connected("CA1", "2026-11-20 10:00"), closed("CA2", "2026-11-21 12:45", B),
          silent("CA3", "2026-11-22 09:00"), hung_up("CA4", "2026-11-23 23:59", "anonymous"),
          told("CA5", "2026-11-24 00:01"))
    return app
