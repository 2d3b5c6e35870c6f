"""Forms for the frequent changes: a service's numbers and hours, a dated closure.

Admins only, where the menus come from the database. Each form edits the
draft's YAML (``yamledit``: comments and layout kept), starting a draft
from the published version when there is none, and then shows the diff: the
admin still reviews and publishes. Inputs are checked with the loader's own
field parsers, so a form says what the editor would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ivr.calllog.outcome import JAPAN
from ivr.live import menus as live
from ivr.menustore import drafts
from ivr.menustore.drafts import Conflict, Draft
from ivr.phonetree.tree import Service, Tree
from ivr.staff import editor_fields, layout, yamledit
from ivr.staff.editor_draft import store
from ivr.staff.editor_fields import DAY_NAMES
from ivr.staff.editor_store import admins_editing, checked, connection, state
from ivr.staff.yamledit import EditError

bp = Blueprint("staff_menu_forms", __name__, url_prefix="/staff/menus/forms")
bp.before_request(admins_editing)
bp.register_error_handler(HTTPException, layout.error_page)


def working() -> tuple[dict[str, str], Tree | None, int]:
    """The files a form edits (the draft's, else the published ones), their tree (else the
    tree calls hear now), and the draft's revision (0: no draft yet)."""
    now = state()
    if now.draft is None and now.published is None:
        abort(409, description="Nothing is published yet, so there is nothing to change: "
                               "import the menus folder with 'flask --app ivr menus import'.")
    files = dict(now.draft.files if now.draft else now.published.files)
    tree = checked(files, now.root).tree
    if tree is None:
        loaded = live.of(current_app).current
        tree = loaded.tree if loaded else None
    return files, tree, now.draft.revision if now.draft else 0


@bp.get("")
def index() -> ResponseReturnValue:
    _, tree, _ = working()
    return render_template("staff/menus_forms.html", tree=tree, active="menus")


def service_of(tree: Tree | None, sid: str) -> Service:
    if tree is None or sid not in tree.services:
        abort(404, description=f"There is no service '{sid}' in the menus.")
    return tree.services[sid]


@bp.route("/service/<sid>", methods=["GET", "POST"])
def service(sid: str) -> ResponseReturnValue:
    """A service's numbers (dial, number) and weekly hours."""
    files, tree, revision = working()
    known = service_of(tree, sid)
    if request.method == "GET":
        return service_page(known, editor_fields.service_values(known), revision, [])
    values = editor_fields.service_form(request.form)
    problems, hours = editor_fields.service_problems(values)
    if problems:
        return service_page(known, values, form_revision(), problems, 400)

    def refused(message: str) -> ResponseReturnValue:
        return service_page(known, values, form_revision(), [message], 409)
    try:
        path = must_locate(files, "services", sid)
        text = yamledit.set_numbers(files[path], sid, values["dial"] or None,
                                    values["number"] or None)
        edited = {**files, path: yamledit.set_hours(text, sid, hours)}
    except EditError as exc:
        return refused(str(exc))
    return saved(edited, f"the numbers and hours of '{sid}'", refused)


def must_locate(files: Mapping[str, str], section: str, entry: str | None = None) -> str:
    path = yamledit.locate(files, section, entry)
    if path is None:
        raise EditError(f"No file of the draft defines {section} '{entry}'." if entry else
                        f"No file of the draft has a '{section}' section.")
    return path


def service_page(known: Service, values: Mapping[str, str], revision: int,
                 problems: list[str], status: int = 200) -> ResponseReturnValue:
    return render_template("staff/menus_service.html", service=known, values=values,
                           revision=revision, problems=problems, days=DAY_NAMES,
                           active="menus"), status


def form_revision() -> int:
    raw = request.form.get("revision", "0")
    return int(raw) if raw.isdigit() else 0


@bp.route("/closure", methods=["GET", "POST"])
def closure() -> ResponseReturnValue:
    """A dated closure of a service, with the reason callers hear in every language."""
    files, tree, revision = working()
    if tree is None:
        abort(409, description="The menus cannot be loaded, so there is nothing to close: fix "
                               "the draft in the editor first.")
    languages = editor_fields.spoken(tree)
    if request.method == "GET":
        return closure_page(tree, languages, {"service": request.args.get("service", "")},
                            revision, [])
    values = editor_fields.closure_form(request.form, languages)
    today = layout.now().astimezone(JAPAN).date()
    problems, days = editor_fields.closure_problems(values, tree, languages, today)

    def refused(message: str, status: int = 409) -> ResponseReturnValue:
        return closure_page(tree, languages, values, form_revision(), [message], status)
    if problems:
        return closure_page(tree, languages, values, form_revision(), problems, 400)
    reason = {code: values[f"reason-{code}"] for code in languages}
    try:
        edited, calendar = closure_files(files, tree, values["service"], days, reason)
    except EditError as exc:
        return refused(str(exc))
    span = str(days[0]) if days[0] == days[1] else f"{days[0]} to {days[1]}"
    return saved(edited, f"a closure of '{values['service']}' ({span}, calendar "
                 f"'{calendar}')", refused)


def closure_page(tree: Tree, languages: list[str], values: Mapping[str, str], revision: int,
                 problems: list[str], status: int = 200) -> ResponseReturnValue:
    return render_template("staff/menus_closure.html", tree=tree, languages=languages,
                           values=values, revision=revision, problems=problems,
                           active="menus"), status


def closure_files(files: Mapping[str, str], tree: Tree, sid: str, days: tuple[date, date],
                  reason: dict[str, str]) -> tuple[dict[str, str], str]:
    """The files with the closure added to the service's own calendar (made when it has
    none, and added to its ``closed_on``), and the calendar's name."""
    edited = dict(files)
    own = editor_fields.own_calendar(tree, sid)
    calendar = own or f"{sid}-closures"
    path = yamledit.locate(edited, "calendars", calendar)
    if path is None:
        path = must_locate(edited, "calendars")
        edited[path] = yamledit.add_calendar(edited[path], calendar)
    edited[path] = yamledit.add_closure(edited[path], calendar, *days, reason)
    if own is None:
        where = must_locate(edited, "services", sid)
        edited[where] = yamledit.add_closed_on(edited[where], sid, calendar)
    return edited, calendar


def saved(files: dict[str, str], what: str,
          refused: Callable[[str], ResponseReturnValue]) -> ResponseReturnValue:
    """Store the edited files as the draft, then show the admin the diff to review."""
    try:
        stored = store_draft(files)
    except Conflict as exc:
        return refused(str(exc))
    errors = len(checked(stored.files, state().root).errors)
    flash(f"Changed {what} in the draft (revision {stored.revision}). Review the change "
          "below, then publish it." + (f" The draft has {errors} error(s): fix them in the "
                                       "editor first." if errors else ""), "info")
    return redirect(url_for("staff_draft.diff"))


def store_draft(files: dict[str, str]) -> Draft:
    """Save the draft at the form's revision; with no draft yet, start one first."""
    revision = form_revision()
    if revision == 0:
        conn, now = connection(), state()
        if now.draft is not None:
            raise Conflict(now.draft)
        drafts.start(conn, now.published, current_user.username, layout.now())
        conn.commit()
        revision = 1
    return store(files, revision)
