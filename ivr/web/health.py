"""A health check for load balancers and operators: which tree serves, and is it the files'.

Always 200 while the app answers (calls are served, if only with the
fallback): the body says ``ok`` when the menu files loaded, ``degraded``
when they were rejected (a last good tree, or the fallback, serves calls),
with the first error's file, line and message so the operator can fix it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from ivr.live import menus

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    holder = menus.of(current_app)
    loaded = holder.get()
    errors = holder.errors
    first = errors[0] if errors else None
    fresh = loaded is not None and loaded.origin == "source" and not errors
    body = {
        "status": "ok" if fresh and not holder.outage else "degraded",
        "menus": loaded.version if loaded else None,
        "serving": "fallback" if loaded is None else "menus" if fresh else "last good menus",
        "menu_errors": len(errors),
        "first_error": {"file": first.file, "line": first.line, "message": first.message}
        if first else None,
        "source_error": holder.outage,
    }
    return jsonify(body)
