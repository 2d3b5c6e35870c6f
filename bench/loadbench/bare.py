"""The baseline: a bare Flask app answering every POST with a fixed TwiML string (issue 8).

Served by ``bench/load.py --app baseline`` under the same gunicorn settings as
the hotline, it is the floor the hotline's webhooks are compared with.
"""

from __future__ import annotations

from flask import Flask, Response

BODY = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say></Response>'

app = Flask("bare")


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def answer(path: str) -> Response:
    return Response(BODY, mimetype="text/xml")
