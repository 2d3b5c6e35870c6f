"""Admin actions: staff accounts (disable, enable) and the CSV export of the calls list.

Admins only: a viewer gets 403. Exported calls leave the app's protection
(a laptop, a mailbox), so export is an admin action, logged with who asked
and which filter, never with the data.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.calllog import export
from ivr.calllog.listing import CallFilter
from ivr.calllog.outcome import JAPAN
from ivr.menustore import audit
from ivr.staff import accounts, auth, filters, layout
from ivr.staff.accounts import AccountError

bp = Blueprint("staff_admin", __name__, url_prefix="/staff")
bp.before_request(auth.admins_only)
bp.register_error_handler(HTTPException, layout.error_page)
log = logging.getLogger(__name__)


@bp.get("/admin/users")
def users() -> ResponseReturnValue:
    """Every staff account, with buttons to disable or enable it."""
    return render_template("staff/users.html", users=accounts.everyone(calllog.connection()))


@bp.post("/admin/users/<username>/disable")
def disable(username: str) -> ResponseReturnValue:
    """Disable an account: its sessions end at their next request."""
    if username == current_user.username:
        flash("You cannot disable your own account.", "error")
    else:
        _set_disabled(username, True, f"Disabled {username}: their sessions have ended.")
    return redirect(url_for("staff_admin.users"))


@bp.post("/admin/users/<username>/enable")
def enable(username: str) -> ResponseReturnValue:
    """Enable an account again (its password is unchanged)."""
    _set_disabled(username, False, f"Enabled {username}.")
    return redirect(url_for("staff_admin.users"))


def _set_disabled(username: str, disabled: bool, done: str) -> None:
    connection = calllog.connection()
    try:
        accounts.set_disabled(connection, username, disabled)
    except AccountError as exc:
        flash(str(exc), "error")
        return
    audit.record(connection, current_user.username,
                 "account.disable" if disabled else "account.enable", f"account {username}",
                 layout.now())
    connection.commit()
    log.info("staff: %s %s %s", current_user.username, "disabled" if disabled else "enabled",
             username)
    flash(done, "info")


@bp.get("/calls.csv")
def calls_csv() -> ResponseReturnValue:
    """The filtered calls list as CSV (oldest first), streamed as it is read."""
    query, problems = filters.calls_query(request.args)
    if problems:
        abort(400, description=" ".join(problems))
    name = file_name(query.where, layout.now().astimezone(JAPAN).date())
    log.info("staff: %s exported %s (%s)", current_user.username, name,
             sorted(query.args().items()))
    lines = csv_lines(current_app.extensions["calllog"].engine, query.where)
    return Response(lines, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


def file_name(where: CallFilter, today: date) -> str:
    """Return the export's file name, after its Japan date range."""
    if where.date_from is None:
        return f"calls-until-{where.date_to or today}.csv"
    return f"calls-{where.date_from}-to-{where.date_to or today}.csv"


def csv_lines(engine: Engine, where: CallFilter) -> Iterator[str]:
    """Yield the CSV of ``export.export_csv``, a page of calls at a time, byte for byte.

    ``export_csv`` writes a whole file in one go; this yields the same header,
    rows and defused cells (``export._cell``) as each page is read, so a
    large export starts at once and holds one page in memory.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export.COLUMNS)
    yield _taken(out)
    with engine.connect() as connection:
        for page in export.pages(connection, where):
            for call in page:
                writer.writerow([export._cell(value) for value in export.record_of(call).values()])
            yield _taken(out)


def _taken(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
