"""The languages page: what callers can choose, and how far each language can be trusted.

For viewers and admins. One row per language of the menus callers hear now:
whether its texts are the source, a machine draft or reviewed (by which role,
when), its voice or its recordings (how many are placeholders a speech
synthesiser made, how many are missing), and the hotlines that offer it.
Drafts and placeholders are marked, never shown as reviewed.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from ivr.live import menus
from ivr.phonetree import translations
from ivr.staff import auth, layout

bp = Blueprint("staff_languages", __name__, url_prefix="/staff")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)


@bp.get("/languages")
def languages() -> ResponseReturnValue:
    """The status of every language of the tree that serves calls now."""
    loaded = menus.of(current_app).get()
    states = translations.summary(loaded.tree) if loaded else []
    return render_template("staff/languages.html", states=states,
                           version=loaded.version if loaded else None)
