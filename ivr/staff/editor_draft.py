"""The draft editor: start a draft, edit its files one at a time, check, save, add, remove.

Admins only, and only where the menus come from the database. "Check" and
"Save" both load the whole draft with the real loader and show every
problem beside its line. Save always stores the draft (work is never lost),
even with errors, which only stop publishing. Every form carries the
draft's revision: when another admin saved in between, the save is refused
with ``drafts.Conflict``'s message and the text stays in the form.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ivr.menustore import drafts
from ivr.menustore.drafts import Conflict, Draft
from ivr.phonetree import fields, yamlsource
from ivr.phonetree.report import Invalid
from ivr.staff import editor_check, editor_diff, layout, yamledit
from ivr.staff.editor_store import admins_editing, checked, connection, state
from ivr.staff.yamledit import EditError

bp = Blueprint("staff_draft", __name__, url_prefix="/staff/menus/draft")
bp.before_request(admins_editing)
bp.register_error_handler(HTTPException, layout.error_page)


def the_draft() -> Draft:
    draft = state().draft
    if draft is None:
        abort(404, description="There is no draft now: start one from the published version "
                               "on the menus page.")
    return draft


def file_of(draft: Draft, path: str | None) -> str:
    path = path or ("main.yaml" if "main.yaml" in draft.files else min(draft.files, default=""))
    if path not in draft.files:
        abort(404, description=f"The draft has no file {path}.")
    return path


@bp.post("/start")
def start() -> ResponseReturnValue:
    """Start the draft from the published version (or open the one that exists)."""
    conn, now = connection(), state()
    if now.published is None:
        flash("Nothing is published yet, so there is nothing to start a draft from: import "
              "the menus folder with 'flask --app ivr menus import'.", "error")
        return redirect(url_for("staff_menus.overview"))
    try:
        drafts.start(conn, now.published, current_user.username, layout.now())
        conn.commit()
        flash(f"Started a draft from version {now.published.number}.", "info")
    except Conflict:
        conn.rollback()
        flash("A draft exists already: here it is.", "info")
    return redirect(url_for("staff_draft.edit"))


@bp.get("")
def edit() -> ResponseReturnValue:
    """Edit one file of the draft; the draft's problems beside their lines."""
    draft = the_draft()
    path = file_of(draft, request.args.get("file"))
    return page(draft, path, draft.files[path], draft.revision)


def page(draft: Draft, path: str, text: str, revision: int, *, conflict: Conflict | None = None,
         checked_now: bool = False, status: int = 200) -> ResponseReturnValue:
    """The editor of ``path`` showing ``text`` (stored, or as the admin sent it)."""
    now = state()
    result = checked({**draft.files, path: text}, now.root)
    whole, rows = editor_check.lines(text, result.of(path))
    return render_template(
        "staff/menus_draft.html", draft=draft, path=path, text=text, revision=revision,
        result=result, whole=whole, shown=editor_check.excerpt(rows), conflict=conflict,
        checked_now=checked_now, state=now, current=conflict.current if conflict else draft,
        active="menus"), status


@bp.post("/save")
def save() -> ResponseReturnValue:
    """Check the text of one file with the whole draft; on "save", store it too."""
    draft = the_draft()
    path, text = file_of(draft, request.form.get("file")), form_text()
    revision, overwrite = form_revision(), request.form.get("overwrite", "")
    if overwrite.isdigit():  # the admin chose to save over the revision they were shown
        revision = int(overwrite)
    elif request.form.get("action") != "save":
        return page(draft, path, text, revision, checked_now=True)
    try:
        stored = store({**draft.files, path: text}, revision)
    except Conflict as exc:
        return page(draft, path, text, revision, conflict=exc, status=409)
    saved_message(stored)
    return redirect(url_for("staff_draft.edit", file=path))


def form_text() -> str:
    """The textarea's text with the browser's CRLF line ends made LF again."""
    return request.form.get("text", "").replace("\r\n", "\n").replace("\r", "\n")


def form_revision() -> int:
    raw = request.form.get("revision", "")
    if not raw.isdigit():
        abort(400, description="The form has no draft revision: reload the page.")
    return int(raw)


def store(files: dict[str, str], revision: int) -> Draft:
    """Save ``files`` as the draft at ``revision`` (Conflict when it moved)."""
    conn = connection()
    try:
        stored = drafts.save(conn, files, revision, current_user.username, layout.now())
    except Conflict:
        conn.rollback()
        raise
    conn.commit()
    return stored


def saved_message(stored: Draft) -> None:
    errors = len(checked(stored.files, state().root).errors)
    if errors:
        flash(f"Saved the draft (revision {stored.revision}). It has {errors} "
              f"error{'s' if errors > 1 else ''}: fix {'them' if errors > 1 else 'it'} "
              "before publishing.", "error")
    else:
        flash(f"Saved the draft (revision {stored.revision}). No errors.", "info")


@bp.get("/stored")
def stored() -> ResponseReturnValue:
    """A file of the draft as stored now (what another admin saved), read-only."""
    draft = the_draft()
    path = file_of(draft, request.args.get("file"))
    result = checked(draft.files, state().root)
    whole, rows = editor_check.lines(draft.files[path], result.of(path))
    return render_template("staff/menus_version.html", draft=draft, path=path, rows=rows,
                           whole=whole, active="menus")


@bp.get("/diff")
def diff() -> ResponseReturnValue:
    """The draft against the published version, file by file."""
    draft, now = the_draft(), state()
    return render_template("staff/menus_diff.html", diffs=editor_diff.diff(
        now.published.files, draft.files), old=f"published version {now.published.number}",
        new=f"the draft (revision {draft.revision})", draft=draft, state=now, active="menus")


@bp.post("/languages")
def add_language() -> ResponseReturnValue:
    """Add a language file to the draft: a copy of an existing language's file, to translate."""
    draft = the_draft()
    try:
        code = language_code(request.form.get("code", ""))
        path, origin, text = new_language(draft, code)
        stored = store({**draft.files, path: text}, form_revision())
    except EditError as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff_draft.edit", file=request.form.get("file")))
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff_draft.edit"))
    flash(f"Added {path} (revision {stored.revision}), a copy of {origin} to translate: "
          f"translate every line, then add '{code}' to the hotline's languages.", "info")
    return redirect(url_for("staff_draft.edit", file=path))


def language_code(raw: str) -> str:
    if not raw.strip():
        raise EditError("Give the code of the new language, such as 'vi' or 'ne'.")
    try:
        return fields.language_code(raw)
    except Invalid as exc:
        raise EditError(f"{exc}.") from None


def new_language(draft: Draft, code: str) -> tuple[str, str, str]:
    """The path of the new file, the file it copies, and its text."""
    origin, old = language_file(draft)
    folder = origin.rpartition("/")[0]
    path = f"{folder}/{code}.yaml" if folder else f"{code}.yaml"
    if path in draft.files or yamledit.locate(draft.files, "languages", code):
        raise EditError(f"The draft has the language '{code}' already.")
    return path, origin, yamledit.copy_language(draft.files[origin], old, code)


def language_file(draft: Draft) -> tuple[str, str]:
    """The file to copy (English's if there is one) and the language it defines."""
    english = yamledit.locate(draft.files, "languages", "en")
    if english:
        return english, "en"
    for path, text in sorted(draft.files.items()):
        try:
            data = yamlsource.parse(text)
        except yamlsource.YamlError:
            continue
        if isinstance(data, dict) and isinstance(data.get("languages"), dict) \
                and data["languages"]:
            return path, next(iter(data["languages"]))
    raise EditError("The draft has no language file to copy.")


@bp.get("/remove")
def confirm_remove() -> ResponseReturnValue:
    draft = the_draft()
    path = file_of(draft, request.args.get("file"))
    return render_template("staff/menus_confirm.html", what="remove", path=path, draft=draft,
                           active="menus")


@bp.post("/remove")
def remove() -> ResponseReturnValue:
    """Remove a file from the draft (after the confirmation page)."""
    draft = the_draft()
    path = file_of(draft, request.form.get("file"))
    try:
        stored = store({k: v for k, v in draft.files.items() if k != path}, form_revision())
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("staff_draft.edit"))
    flash(f"Removed {path} from the draft (revision {stored.revision}).", "info")
    return redirect(url_for("staff_draft.edit"))


@bp.get("/discard")
def confirm_discard() -> ResponseReturnValue:
    return render_template("staff/menus_confirm.html", what="discard", draft=the_draft(),
                           active="menus")


@bp.post("/discard")
def discard() -> ResponseReturnValue:
    """Throw the draft away (audited); the published version is unchanged."""
    conn = connection()
    try:
        drafts.remove(conn, form_revision(), current_user.username, layout.now())
    except Conflict as exc:
        conn.rollback()
        flash(str(exc), "error")
        return redirect(url_for("staff_menus.overview"))
    conn.commit()
    flash("Discarded the draft. Callers still hear the published version.", "info")
    return redirect(url_for("staff_menus.overview"))
