"""Serves the recorded prompts that ``<Play>`` fetches: ``/audio/<lang>/<name>.wav|mp3``.

A recording uploaded by staff is kept in the database, so every instance
serves it at the same URL as a file of the recordings folder would be; the
database's wins. This adapter knows no database: the app factory puts a
reader in ``app.extensions["ivr.recordings"]`` whose ``get(lang, name)``
gives the stored recording (``content``, ``mimetype``, ``sha256``,
``uploaded_at``) or None, and the folder answers otherwise. Twilio caches
what it fetches by ``Cache-Control``, and revalidates with the ``ETag``
and ``Last-Modified`` it was given (304 when unchanged). Deployments may
serve the folder from a CDN instead (``IVR_AUDIO_BASE_URL``).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, send_from_directory

from ivr.phonetree.bundle import AUDIO_TYPES

bp = Blueprint("audio", __name__, url_prefix="/audio")
FOLDER_MAX_AGE = 3600  # a file of the folder changes only with a deploy
STORED_MAX_AGE = 300   # an upload may be replaced: callers hear the new one within 5 minutes


@bp.get("/<lang>/<name>")
def recording(lang: str, name: str) -> Response:
    if not name.lower().endswith(AUDIO_TYPES):
        abort(404)
    reader = current_app.extensions.get("ivr.recordings")
    stored = reader.get(lang, name) if reader is not None else None
    if stored is not None:
        return _stored(stored)
    folder = os.path.abspath(current_app.config["IVR_AUDIO_DIR"])
    # one safe join of the whole path: neither part may climb out of the folder
    return send_from_directory(folder, f"{lang}/{name}", conditional=True,
                               max_age=FOLDER_MAX_AGE)


def _stored(audio: Any) -> Response:
    """A stored recording, with the headers Twilio caches by; 304 or 206 when asked."""
    response = Response(audio.content, mimetype=audio.mimetype)
    response.set_etag(audio.sha256)
    response.last_modified = audio.uploaded_at
    response.cache_control.public = True
    response.cache_control.max_age = STORED_MAX_AGE
    return response.make_conditional(request, accept_ranges=True,
                                     complete_length=len(audio.content))
