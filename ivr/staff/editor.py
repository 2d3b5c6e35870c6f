"""The menus in the browser: the overview, the history of versions, any version's files.

Viewers and admins may look; changing anything (the draft, publishing,
rolling back, the forms) is on the admin pages of ``editor_draft``,
``editor_publish`` and ``editor_forms``. The overview says which version is
published, whether this worker serves it, and the draft's state; in folder
mode it says plainly that browser editing is off, and how to switch it on.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ivr.live import menus as live
from ivr.menustore import versions
from ivr.menustore.versions import Version
from ivr.staff import auth, editor_check, editor_diff, layout
from ivr.staff.editor_store import FOLDER_MODE, connection, editing_on, source, state

bp = Blueprint("staff_menus", __name__, url_prefix="/staff/menus")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)


@bp.get("")
def overview() -> ResponseReturnValue:
    """The published version, what this worker serves, the draft, and where to go next."""
    now = state()
    draft_check = editor_check.check(connection(), source(), now.draft.files, now.root) \
        if now.draft else None
    return render_template("staff/menus_overview.html", state=now, serving=serving(now.published),
                           draft_check=draft_check, editing=editing_on(), folder_mode=FOLDER_MODE,
                           holder=live.of(current_app), active="menus")


def serving(published: Version | None) -> bool | None:
    """Whether this worker's tree is the published version (None: nothing published)."""
    holder = live.of(current_app)
    if published is None:
        return None
    if holder.current is None or not editing_on():
        return False
    bundle = source().bundle_of(connection(), published.files, published.root)
    return bundle.version[:12] == holder.current.version


@bp.get("/versions")
def history() -> ResponseReturnValue:
    """Every version, newest first: number, kind, who, when, note."""
    listed = versions.history(connection())
    return render_template("staff/menus_history.html", versions=listed, editing=editing_on(),
                           active="menus")


def version_or_404(number: int) -> Version:
    found = versions.get(connection(), number)
    if found is None:
        abort(404, description=f"There is no version {number}.")
    return found


@bp.get("/versions/<int:number>")
def version(number: int) -> ResponseReturnValue:
    """One version's files, one at a time, line-numbered."""
    shown = version_or_404(number)
    path = request.args.get("file") or min(shown.files)
    if path not in shown.files:
        abort(404, description=f"Version {number} has no file {path}.")
    _, rows = editor_check.lines(shown.files[path], [])
    return render_template("staff/menus_version.html", version=shown, path=path, rows=rows,
                           active="menus")


@bp.get("/versions/<int:number>/diff")
def version_diff(number: int) -> ResponseReturnValue:
    """What rolling back to version ``number`` would change in the published files."""
    shown, published = version_or_404(number), versions.latest(connection())
    return render_template("staff/menus_diff.html", diffs=editor_diff.diff(
        published.files, shown.files), old=f"published version {published.number}",
        new=f"version {number}", version=shown, active="menus")
