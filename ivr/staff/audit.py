"""The audit log page: every change, who made it and when, newest first; read only.

Admins only. Publishing, rolling back, importing, discarding a draft,
notices, recordings and staff accounts each wrote one row
(``ivr.menustore.audit``) in the transaction of the change itself. This
blueprint has no route that writes: nothing in the web app can alter or
delete an entry. Pages are keyset pages of entry numbers (never OFFSET).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.engine import Connection
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.menustore import audit
from ivr.menustore.audit import Entry
from ivr.menustore.schema import audit_log
from ivr.staff import auth, layout

bp = Blueprint("staff_audit", __name__, url_prefix="/staff")
bp.before_request(auth.admins_only)
bp.register_error_handler(HTTPException, layout.error_page)
PAGE_SIZE = 50
ACTIONS = {
    "seed": "Menus folder published at the first start", "import": "Menus folder imported",
    "publish": "Menus published", "rollback": "Menus rolled back",
    "draft.discard": "Draft discarded", "notice.create": "Notice created",
    "notice.withdraw": "Notice withdrawn", "recording.upload": "Recording uploaded",
    "recording.delete": "Recording deleted", "account.create": "Account created",
    "account.disable": "Account disabled", "account.enable": "Account enabled",
    "account.role": "Role changed", "account.password": "Password set",
}


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    older: int | None  # the ``before`` of the next older page, None at the oldest
    newer: int | None  # the ``after`` of the next newer page, None at the newest


@bp.get("/admin/audit")
def audit_page() -> ResponseReturnValue:
    """A page of the audit log: the newest, or older than ``before``, or newer than ``after``."""
    page = read(calllog.connection(), _number("before"), _number("after"))
    return render_template("staff/audit.html", page=page, action_name=action_name,
                           details=details)


def read(connection: Connection, before: int | None, after: int | None) -> Page:
    """The page of entries the query names, with the cursors of the pages beside it."""
    if after is not None:
        query = sa.select(audit_log.c.id).where(audit_log.c.id > after) \
            .order_by(audit_log.c.id).limit(PAGE_SIZE + 1)
        ids = [row.id for row in connection.execute(query)]
        if len(ids) <= PAGE_SIZE:  # that reaches the newest: show the first page itself
            return read(connection, None, None)
        before = ids[PAGE_SIZE - 1] + 1
    entries = audit.entries(connection, PAGE_SIZE + 1, before)
    shown = entries[:PAGE_SIZE]
    older = shown[-1].id if len(entries) > PAGE_SIZE else None
    newer = shown[0].id if shown and _has_newer(connection, shown[0].id) else None
    return Page(shown, older, newer)


def _has_newer(connection: Connection, entry: int) -> bool:
    return connection.execute(sa.select(audit_log.c.id).where(audit_log.c.id > entry)
                              .limit(1)).first() is not None


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def action_name(action: str) -> str:
    """"Notice created" for "notice.create"; an unknown action is shown as it is."""
    return ACTIONS.get(action, action)


def details(detail: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The details as (name, value) pairs staff read, by name (PostgreSQL's JSON keeps no
    order); times in Japan time."""
    return [(key.replace("_", " "), _value(value)) for key, value in sorted(detail.items())]


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value) or "none"
    if isinstance(value, str) and "T" in value and value[-6:-5] in "+-":
        try:
            return layout.japan_time(datetime.fromisoformat(value), "%Y-%m-%d %H:%M") + " JST"
        except ValueError:
            return value
    return str(value)
