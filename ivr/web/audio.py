"""Serves the recorded prompts (``audio/<lang>/<name>.wav``) that ``<Play>`` fetches.

Twilio caches a recording by its ETag and Last-Modified, which
``send_from_directory`` sets. Deployments may serve the folder from a CDN
instead (``IVR_AUDIO_BASE_URL``).
"""

from __future__ import annotations

import os

from flask import Blueprint, Response, abort, current_app, send_from_directory

from ivr.phonetree.bundle import AUDIO_TYPES

bp = Blueprint("audio", __name__, url_prefix="/audio")


@bp.get("/<lang>/<name>")
def recording(lang: str, name: str) -> Response:
    if not name.lower().endswith(AUDIO_TYPES):
        abort(404)
    folder = os.path.abspath(current_app.config["IVR_AUDIO_DIR"])
    # one safe join of the whole path: neither part may climb out of the folder
    return send_from_directory(folder, f"{lang}/{name}", conditional=True, max_age=3600)
