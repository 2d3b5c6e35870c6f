"""Notices: admins close or open services for a while, with a reason callers hear.

"IOM closed today (office move)", "typhoon: all offices closed until 15:00",
"the consultation line is open this Saturday". Viewers and admins see the
notices in force, to come and recently ended; admins create and withdraw
them. A notice is stored with ``ivr.menustore.notices`` (which audits it),
then this worker's tree is reloaded at once; other workers and instances
follow within ``IVR_MENU_RELOAD_SECONDS``. Works whatever the menus source:
notices always come from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.engine import Connection
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.call.events import CallEvent, Kind
from ivr.calllog.outcome import JAPAN
from ivr.live import menus as live
from ivr.menustore import notices as store
from ivr.menustore.notices import NoticeError, Record
from ivr.phonetree.notices import KEY
from ivr.staff import auth, layout, notice_form
from ivr.staff.names import Names

bp = Blueprint("staff_notices", __name__, url_prefix="/staff")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)
PREFIX = KEY.split("{")[0]  # "notice."
SHOWN_DAYS = 30  # ended and withdrawn notices stay listed this long


@bp.get("/notices")
def notices() -> ResponseReturnValue:
    """The notices in force, to come and recently ended; the form for admins."""
    return _page(notice_form.blank(layout.now()), [])


@bp.post("/notices")
def create() -> ResponseReturnValue:
    """Store a notice, route calls by it now, and say when the others follow."""
    _admins()
    tree = _tree()
    fields = notice_form.fields_of(request.form, request.form.getlist,
                                   list(tree.languages) if tree else [])
    if tree is None:
        return _page(fields, ["The menus cannot be loaded now, so a notice cannot be checked "
                              "against them: fix the menus first."], 400)
    draft, problems = notice_form.check(fields, tree, layout.now())
    if problems:
        return _page(fields, problems, 400)
    connection = calllog.connection()
    try:
        made = store.create(connection, services=draft.services, open=draft.open,
                            start=draft.start, end=draft.end, reason=draft.reason,
                            note=draft.note, author=current_user.username, now=layout.now())
    except NoticeError as exc:  # the store's own checks, should the clock have moved
        connection.rollback()
        return _page(fields, [str(exc)[:1].upper() + str(exc)[1:] + "."], 400)
    connection.commit()
    live.of(current_app).check()
    flash(f"Notice {made.notice.id} saved: {summary(made, layout.names())}. "
          f"{followers()}", "info")
    return redirect(url_for("staff_notices.notices"))


@bp.get("/notices/<int:notice_id>/withdraw")
def confirm_withdraw(notice_id: int) -> ResponseReturnValue:
    """Ask before withdrawing (a page of its own, so it works without JavaScript)."""
    _admins()
    record = _withdrawable(notice_id)
    if not isinstance(record, Record):
        return record
    return render_template("staff/notices_withdraw.html", record=record, names=layout.names(),
                           summary=summary(record, layout.names()), now=layout.now())


@bp.post("/notices/<int:notice_id>/withdraw")
def withdraw(notice_id: int) -> ResponseReturnValue:
    """End a notice now: calls are routed by the menus alone again."""
    _admins()
    record = _withdrawable(notice_id)
    if not isinstance(record, Record):
        return record
    connection = calllog.connection()
    try:
        store.withdraw(connection, notice_id, current_user.username, layout.now())
    except NoticeError:  # another admin withdrew it a moment ago
        connection.rollback()
        flash(f"Notice {notice_id} was withdrawn by someone else a moment ago.", "error")
        return redirect(url_for("staff_notices.notices"))
    connection.commit()
    live.of(current_app).check()
    flash(f"Notice {notice_id} withdrawn: {summary(record, layout.names())} no longer "
          f"applies. {followers()}", "info")
    return redirect(url_for("staff_notices.notices"))


def _withdrawable(notice_id: int) -> Record | ResponseReturnValue:
    """The notice, if it can still be withdrawn; else a redirect saying why not."""
    record = store.get(calllog.connection(), notice_id)
    if record is None:
        abort(404, description=f"There is no notice {notice_id}.")
    state = record.state(layout.now())
    if state in ("in force", "to come"):
        return record
    flash(f"Notice {notice_id} has {'been withdrawn' if state == 'withdrawn' else 'ended'} "
          "already: there is nothing to withdraw.", "error")
    return redirect(url_for("staff_notices.notices"))


def _page(fields: notice_form.Fields, problems: list[str],
          status: int = 200) -> ResponseReturnValue:
    names, now = layout.names(), layout.now()
    listed = grouped(store.recent(calllog.connection(), now, days=SHOWN_DAYS), now)
    return render_template("staff/notices.html", fields=fields, problems=problems,
                           groups=listed, names=names, tree=names.tree, now=now,
                           until=notice_form.UNTIL,
                           reason_max=notice_form.MAX_REASON), status


def _admins() -> None:
    if not current_user.is_admin:
        abort(403)


def _tree():
    loaded = live.of(current_app).get()
    return loaded.tree if loaded else None


def grouped(records: Iterable[Record], now: datetime) -> dict[str, list[Record]]:
    """The notices by state: in force (ending soonest first), to come (starting soonest
    first), ended or withdrawn (most recent first)."""
    groups: dict[str, list[Record]] = {"in force": [], "to come": [], "ended": []}
    for record in records:
        state = record.state(now)
        groups[state if state in groups else "ended"].append(record)
    groups["in force"].sort(key=lambda r: (r.notice.end, r.notice.id))
    groups["to come"].sort(key=lambda r: (r.notice.start, r.notice.id))
    groups["ended"].sort(key=lambda r: r.withdrawn_at or r.notice.end, reverse=True)
    return groups


def current(connection: Connection, now: datetime) -> dict[str, list[Record]]:
    """The notices in force and to come (for the dashboard)."""
    listed = grouped(store.recent(connection, now, days=0), now)
    return {"in force": listed["in force"], "to come": listed["to come"]}


def summary(record: Record, names: Names) -> str:
    """"IOM Tokyo closed from 2026-11-24 10:15 until 2026-11-24 15:00 (Japan time)"."""
    notice = record.notice
    services = ", ".join(names.service(s) for s in notice.services) or "All services"
    effect = "open" if notice.open else "closed"
    return (f"{services} {effect} from {notice.start.astimezone(JAPAN):%Y-%m-%d %H:%M} until "
            f"{notice.end.astimezone(JAPAN):%Y-%m-%d %H:%M} (Japan time)")


def followers() -> str:
    """Which workers route by a change now, and when the others follow."""
    seconds = float(current_app.config["IVR_MENU_RELOAD_SECONDS"])
    if not seconds:
        return ("This server routes calls by it now; other servers and workers only when "
                "they restart (IVR_MENU_RELOAD_SECONDS is 0).")
    return (f"This server routes calls by it now; every other server and worker follows "
            f"within {seconds:g} seconds.")


def causes(connection: Connection, events: Iterable[CallEvent]) -> dict[str, str]:
    """Word the notices that closed a service in ``events``: {"notice.12": "notice 12: ..."}.

    A notice the database no longer has is left out (the timeline shows its key)."""
    found: dict[str, str] = {}
    for event in events:
        cause = str(event.data.get("cause") or "") if event.kind is Kind.CLOSED else ""
        number = cause[len(PREFIX):]
        if not cause.startswith(PREFIX) or not number.isdigit() or cause in found:
            continue
        record = store.get(connection, int(number))
        if record is not None:
            found[cause] = f"notice {number}: {reason_text(record.notice.reason)}"
    return found


def reason_text(reason: Mapping[str, str]) -> str:
    """The reason as staff read it: in English when there is one, else the first language."""
    return reason.get("en") or next(iter(reason.values()), "no reason given")
