"""Publish the draft as the next version, or roll back to any version (a new version too).

Admins only, where the menus come from the database. Publishing needs a
note, a draft without errors, the revision the admin reviewed, and, when
another version was published since the draft started, an explicit
"publish over version N". After either change this worker looks at the
store at once (``live.check``); every other worker and instance follows
within IVR_MENU_RELOAD_SECONDS.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ivr.live import menus as live
from ivr.menustore import drafts, versions
from ivr.menustore.drafts import Conflict
from ivr.menustore.versions import Version, VersionError
from ivr.staff import layout
from ivr.staff.editor import version_or_404
from ivr.staff.editor_draft import form_revision, the_draft
from ivr.staff.editor_store import State, admins_editing, checked, connection, reload_seconds, state

bp = Blueprint("staff_publish", __name__, url_prefix="/staff/menus")
bp.before_request(admins_editing)
bp.register_error_handler(HTTPException, layout.error_page)
NO_NOTE = "Say in a few words what changed and why: the note is required."


@bp.get("/publish")
def publish_form() -> ResponseReturnValue:
    the_draft()
    return publish_page(state(), [], "")


def publish_page(now: State, problems: list[str], note: str, status: int = 200,
                 revision: int | None = None) -> ResponseReturnValue:
    result = checked(now.draft.files, now.root)
    return render_template("staff/menus_publish.html", state=now, result=result,
                           problems=problems, note=note, active="menus",
                           revision=revision or now.draft.revision), status


@bp.post("/publish")
def publish() -> ResponseReturnValue:
    """Publish the draft as the next version; refuse, saying why, when it may not be."""
    draft, now = the_draft(), state()
    note, revision = request.form.get("note", "").strip(), form_revision()
    if revision != draft.revision:
        return publish_page(now, [str(Conflict(draft))], note, 409, revision)
    problems = refusals(now, note)
    if problems:
        return publish_page(now, problems, note, 400)
    try:
        number = published(now, note)
    except (VersionError, Conflict) as exc:
        return publish_page(state(), [str(exc)], note, 409)
    flash(followed(f"Published version {number}."), "info")
    return redirect(url_for("staff_menus.overview"))


def refusals(now: State, note: str) -> list[str]:
    """Why the draft may not be published as the form asks (empty: it may)."""
    problems = []
    errors = checked(now.draft.files, now.root).errors
    if errors:
        problems.append(f"The draft has {len(errors)} error{'s' if len(errors) > 1 else ''}: "
                        "fix them, then publish (they are listed below).")
    if now.stale and request.form.get("over") != str(now.published.number):
        problems.append(f"Version {now.published.number} was published after this draft "
                        f"started from version {now.draft.base}: look at the diff, then tick "
                        f"\"publish over version {now.published.number}\" to replace it.")
    if not note:
        problems.append(NO_NOTE)
    return problems


def published(now: State, note: str) -> int:
    """Add the version, remove the draft (one transaction), serve it here at once."""
    conn, moment, who = connection(), layout.now(), current_user.username
    try:
        version = versions.add(conn, now.draft.files, now.root, kind="publish", note=note,
                               author=who, now=moment, based_on=now.draft.base)
        drafts.remove(conn, now.draft.revision, who, moment, published=version.number)
    except (VersionError, Conflict):
        conn.rollback()
        raise
    conn.commit()
    live.of(current_app).check()
    return version.number


def followed(done: str) -> str:
    """``done``, and when the other workers and instances serve it."""
    seconds = reload_seconds()
    if seconds <= 0:
        return (f"{done} This worker serves it now; the others look for new versions only "
                "when they restart (IVR_MENU_RELOAD_SECONDS is 0).")
    return (f"{done} This worker serves it now; every other worker and instance follows "
            f"within {seconds} seconds (IVR_MENU_RELOAD_SECONDS).")


@bp.get("/versions/<int:number>/rollback")
def rollback_form(number: int) -> ResponseReturnValue:
    return rollback_page(version_or_404(number), [], "")


def rollback_page(version: Version, problems: list[str], note: str,
                  status: int = 200) -> ResponseReturnValue:
    return render_template("staff/menus_rollback.html", version=version, problems=problems,
                           note=note, published=state().published, active="menus"), status


@bp.post("/versions/<int:number>/rollback")
def rollback(number: int) -> ResponseReturnValue:
    """Publish the files of version ``number`` again, as a new version."""
    version, note = version_or_404(number), request.form.get("note", "").strip()
    if not note:
        return rollback_page(version, [NO_NOTE], note, 400)
    conn = connection()
    try:
        made = versions.rollback(conn, number, note=note, author=current_user.username,
                                 now=layout.now())
    except VersionError as exc:
        conn.rollback()
        return rollback_page(version, [str(exc)], note, 409)
    conn.commit()
    live.of(current_app).check()
    flash(followed(f"Rolled back: version {made.number} has the files of version {number}."),
          "info")
    return redirect(url_for("staff_menus.overview"))
