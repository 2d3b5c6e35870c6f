"""The shell every staff page shares: templates, static files, headers, error pages, Japan time.

The ``staff`` blueprint serves the stylesheet and icon from this package (no
CDN). Every response under /staff gets the security headers, and pages (not
static files) are never cached: they hold call data.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ivr.calllog.outcome import JAPAN
from ivr.live import menus
from ivr.staff.names import Names
from ivr.staff.timeline import seconds_text

bp = Blueprint("staff", __name__, url_prefix="/staff", static_folder="static",
               template_folder="templates")

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: Flask-WTF checks the Referer of HTTPS form posts.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def now() -> datetime:
    """Return the app's current time (aware UTC): tests and the simulator set the clock."""
    return current_app.extensions["ivr.clock"]()


def names() -> Names:
    """Return the names of the current menus tree (without one, ids name themselves)."""
    loaded = menus.of(current_app).get()
    return Names(loaded.tree if loaded else None)


@bp.app_context_processor
def _menu_problems() -> dict[str, object]:
    """The menu files' first error, for the banner on every staff page while they are rejected."""
    holder = menus.of(current_app)
    errors = holder.errors
    return {"menu_error": errors[0] if errors else None, "menu_error_count": len(errors),
            "menu_serving": holder.current.version if holder.current else None}


def is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


@bp.after_app_request
def _secured(response: Response) -> Response:
    """Add the security headers to staff responses; keep pages out of caches."""
    if is_staff_path(request.path):
        response.headers.update(HEADERS)
        if request.endpoint != "staff.static":
            response.headers["Cache-Control"] = "no-store"
    return response


def error_page(error: HTTPException) -> tuple[str, int]:
    """Render an HTTP error as a staff page (the status and its explanation)."""
    return render_template("staff/error.html", error=error,
                           csrf=isinstance(error, CSRFError)), error.code or 500


@bp.app_template_filter("japan_time")
def japan_time(moment: datetime | None, form: str = "%Y-%m-%d %H:%M:%S") -> str:
    """Format an aware time in Japan time; "-" when there is none."""
    return "-" if moment is None else moment.astimezone(JAPAN).strftime(form)


@bp.app_template_filter("duration_text")
def duration_text(seconds: int | None) -> str:
    return "-" if seconds is None else seconds_text(seconds)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
