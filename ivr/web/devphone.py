"""A phone in the browser for development: play a call at a chosen time, read the transcript.

Registered only with ``IVR_DEV``. Calls run through a second instance of the
app (same settings) whose clock is set to the chosen time, so the app serving
this page is never touched; simulated calls reach the call log like real ones.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, current_app, render_template_string, request

from ivr.phonetree.hours import zone
from ivr.web import simulator

bp = Blueprint("devphone", __name__, url_prefix="/dev")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulated call</title>
<style>
 body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
      color:#1b1b1b}
 label{display:block;margin:.6rem 0 .2rem;font-weight:600}
 input,select{font:inherit;padding:.4rem;border:1px solid #555;border-radius:4px;width:100%;
              max-width:24rem}
 button{font:inherit;margin-top:1rem;padding:.5rem 1.2rem;background:#0b5394;color:#fff;border:0;
        border-radius:4px}
 button:focus,input:focus{outline:3px solid #f1c232}
 ol{background:#f4f6f8;padding:1rem 1rem 1rem 2.5rem;border-radius:6px}
 .key{font-weight:700}.dial{color:#0b5394;font-weight:700}
</style></head><body>
<h1>Simulated call</h1>
<p>Plays a call through the hotline, as Twilio would, at the Japan time you choose.</p>
<form method="get">
 <label for="at">Japan time</label>
 <input id="at" name="at" type="datetime-local" value="{{ at }}" required>
 <label for="keys">Keys pressed, in turn (- waits in silence)</label>
 <input id="keys" name="keys" value="{{ keys }}" placeholder="1,4" inputmode="tel">
 <label for="dial">How each connection ends, in turn</label>
 <input id="dial" name="dial" value="{{ dial }}" placeholder="completed or busy,completed">
 <button type="submit">Call</button>
</form>
{% if lines %}<h2>What the caller hears</h2><ol>
{% for line in lines %}<li class="{{ 'key' if line.startswith('presses') else
 'dial' if line.startswith('->') else '' }}">{{ line }}</li>{% endfor %}</ol>{% endif %}
{% if error %}<p role="alert">{{ error }}</p>{% endif %}
</body></html>"""


@bp.get("/phone")
def phone() -> str:
    at = request.args.get("at", "2026-11-24T12:45")
    keys, dial = request.args.get("keys", "1,4"), request.args.get("dial", "completed")
    lines: list[str] = []
    error = None
    if "at" in request.args:
        try:
            moment = datetime.fromisoformat(at).replace(tzinfo=zone("Asia/Tokyo"))
        except ValueError:
            error = f"'{at}' is not a date and time"
        else:
            call = simulator.Call(at=moment, keys=_items(keys), dial=_items(dial) or ["completed"])
            lines = simulator.run(_simulation_app(), call)
    return render_template_string(PAGE, at=at, keys=keys, dial=dial, lines=lines, error=error)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()][:40]


def _simulation_app() -> Flask:
    """The second app instance the simulated calls run through, made once."""
    app = current_app.extensions.get("ivr.devphone_app")
    if app is None:
        settings = {**current_app.config, "IVR_ALLOW_UNSIGNED": True,
                    "INSTANCE_PATH": current_app.instance_path}
        app = current_app.extensions["ivr.app_factory"](settings)
        current_app.extensions["ivr.devphone_app"] = app
    return app


def init_app(app: Flask) -> None:
    if app.config["IVR_DEV"]:
        app.register_blueprint(bp)
