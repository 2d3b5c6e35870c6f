"""Recordings: which prompts have a recording in which language, uploads, playing, deleting.

Viewers and admins see the table (every prompt, every language: uploaded to
the database, in the audio folder, missing, or spoken by text-to-speech) and
play each recording; admins upload (wav or mp3, checked by
``ivr.menustore.recordings.put``) and delete. Uploads live in the database,
so every instance serves them at ``/audio/<lang>/<file>``; this worker's
tree is reloaded at once, the others follow within IVR_MENU_RELOAD_SECONDS.
"""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    Flask,
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
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ivr import calllog
from ivr.live import menus as live
from ivr.menustore import recordings as store
from ivr.menustore.recordings import RecordingError
from ivr.phonetree.bundle import scan_recordings
from ivr.staff import auth, layout, notices, recording_table

bp = Blueprint("staff_recordings", __name__, url_prefix="/staff")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)
UPLOAD_LIMIT = 2 * store.MAX_BYTES  # larger files get the store's clear message up to here


@bp.get("/recordings")
def recordings() -> ResponseReturnValue:
    """The table of prompts and languages, with the upload form for admins (its language
    the one of the last upload)."""
    return _page({"lang": request.args.get("lang", "")}, [])


@bp.post("/recordings")
def upload() -> ResponseReturnValue:
    """Check and store an uploaded recording, then serve it at once."""
    _admins()
    request.max_content_length = UPLOAD_LIMIT  # before the form (and its token) is read
    current_app.extensions["csrf"].protect()
    lang, name = request.form.get("lang", ""), request.form.get("prompt", "")
    file = request.files.get("file")
    tree = _tree()
    problems = recording_table.upload_problems(tree, lang, name, file and file.filename)
    if problems:
        return _page(request.form, problems, 400)
    connection = calllog.connection()
    try:
        stored = store.put(connection, lang, name, file.read(), current_user.username,
                           layout.now())
    except RecordingError as exc:
        connection.rollback()
        return _page(request.form, [_sentence(str(exc))], 400)
    connection.commit()
    live.of(current_app).check()
    flash(f"Uploaded {stored.lang}/{stored.name}{stored.ext} "
          f"({recording_table.describe(tree, lang, name)}). {notices.followers()}", "info")
    return redirect(url_for("staff_recordings.recordings", lang=lang, _anchor=f"{lang}-{name}"))


@bp.get("/recordings/<lang>/<name>/delete")
def confirm_delete(lang: str, name: str) -> ResponseReturnValue:
    """Ask before deleting (a page of its own, so it works without JavaScript)."""
    _admins()
    stored = _stored(lang, name)
    refused = _refusal(lang, name)
    if refused:
        return refused
    return render_template("staff/recordings_delete.html", lang=lang, name=name, file=stored,
                           names=layout.names(), folder=_folder().get((lang, name)))


@bp.post("/recordings/<lang>/<name>/delete")
def delete(lang: str, name: str) -> ResponseReturnValue:
    """Delete an uploaded recording: the folder's, or text-to-speech, plays again."""
    _admins()
    _stored(lang, name)
    refused = _refusal(lang, name)
    if refused:
        return refused
    connection = calllog.connection()
    store.remove(connection, lang, name, current_user.username, layout.now())
    connection.commit()
    live.of(current_app).check()
    after = "the audio folder's recording" if (lang, name) in _folder() else \
        "text-to-speech (or nothing, in a language without a voice)"
    flash(f"Deleted the uploaded {lang}/{name}: callers hear {after} instead. "
          f"{notices.followers()}", "info")
    return redirect(url_for("staff_recordings.recordings"))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    limit = store.MAX_BYTES // (1024 * 1024)
    return _page({}, [f"The file is far too large: at most {limit} MB, please (a minute of "
                      "telephone audio is well under 1 MB)."], 413)


def _page(typed, problems: list[str], status: int = 200) -> ResponseReturnValue:
    tree = _tree()
    stored = store.names(calllog.connection())
    table = recording_table.build(tree, stored, _folder()) if tree else None
    return render_template("staff/recordings.html", table=table, typed=typed,
                           problems=problems, names=layout.names(),
                           max_mb=store.MAX_BYTES // (1024 * 1024)), status


def _refusal(lang: str, name: str) -> ResponseReturnValue | None:
    """Refuse to delete what a language without a voice cannot do without: the menus would
    be rejected, and calls would keep a tree whose recording is gone."""
    tree = _tree()
    if tree is None or lang not in tree.languages or (lang, name) in _folder():
        return None
    language = tree.languages[lang]
    if language.voice.language is not None or name not in recording_table.usable(tree, lang):
        return None
    flash(f"{language.name} ({lang}) has no Twilio voice and cannot do without '{name}': "
          "upload a new recording to replace it instead.", "error")
    return redirect(url_for("staff_recordings.recordings"))


def _stored(lang: str, name: str) -> str:
    """The uploaded file's name ("en/menu.main.wav"); 404 when there is none."""
    found = store.names(calllog.connection()).get((lang, name))
    if found is None:
        abort(404, description=f"No recording of '{name}' in '{lang}' was uploaded.")
    return found


def _folder() -> dict[tuple[str, str], str]:
    return scan_recordings(os.path.abspath(current_app.config["IVR_AUDIO_DIR"]))


def _tree():
    loaded = live.of(current_app).get()
    return loaded.tree if loaded else None


def _admins() -> None:
    if not current_user.is_admin:
        abort(403)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def init_app(app: Flask) -> None:
    """Register the pages; the upload checks its CSRF token itself, after raising the size
    limit (the app-wide check would read the form under the webhooks' small limit)."""
    app.extensions["csrf"].exempt(upload)
    app.register_blueprint(bp)
