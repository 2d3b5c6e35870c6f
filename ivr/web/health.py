"""A health check for load balancers and operators: are the menus loaded, which version."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from ivr.live import menus

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 with the menu version; 'degraded' when no menus load (calls get the fallback)."""
    holder = menus.of(current_app)
    loaded = holder.get()
    body = {"status": "ok" if loaded else "degraded",
            "menus": loaded.tree.version[:12] if loaded else None,
            "menu_errors": sum(p.level == "error" for p in holder.problems)}
    return jsonify(body)
