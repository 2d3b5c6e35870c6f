"""How much a webhook costs: the hotline's steps against a bare Flask app, in-process.

Run: .venv/bin/python bench/webhooks.py [--requests N] [--signed] [--cpu]

Each case posts the same form Twilio would, through Flask's test client (no
network), N times after a warm-up, and prints the median and 95th percentile
per request. The bare app answers a constant TwiML document: the difference
is what the hotline itself adds (signature check included when --signed). With --cpu,
each request's CPU time (the thread's) instead of the time it took: steadier on a busy
machine, where waiting for a core counts in the elapsed time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, Response
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ivr  # noqa: E402

TOKEN = "bench-token"
FORM = {"CallSid": "CA" + "0" * 32, "From": "+819012345678", "To": "+815000000000"}
CASES = [
    ("incoming call (greeting, languages)", "/voice", {}),
    ("language chosen -> main menu", "/voice/language?h=main&t=language", {"Digits": "1"}),
    ("menu key -> open service, <Dial>", "/voice/menu?h=main&l=en&t=main", {"Digits": "4"}),
    ("menu key -> closed service, offer", "/voice/menu?h=main&l=en&t=main", {"Digits": "2"}),
    ("silence -> re-prompt", "/voice/menu?h=main&l=en&t=main&s=1", {}),
    ("dial busy -> offer", "/voice/dialled?h=main&l=en&t=iom&o=main", {"DialCallStatus": "busy"}),
    ("tell a number", "/voice/tell?h=main&l=ja&t=human-rights&o=info", {}),
]


def bare_app() -> Flask:
    app = Flask("bare")
    body = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say></Response>'

    @app.post("/voice")
    def voice() -> Response:
        return Response(body, mimetype="text/xml")

    return app


def measure(client, path: str, form: dict[str, str], requests: int,
            token: str | None, clock=time.perf_counter) -> list[float]:
    headers = {}
    if token:
        url = "http://localhost" + path
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(url, form)
    for _ in range(50):
        client.post(path, data=form, headers=headers)
    times = []
    for _ in range(requests):
        start = clock()
        response = client.post(path, data=form, headers=headers)
        times.append(clock() - start)
        assert response.status_code == 200, response.status_code
    return times


def report(name: str, times: list[float]) -> None:
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{name:42s} median {statistics.median(times) * 1e6:8.0f} us   p95 {p95 * 1e6:8.0f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--signed", action="store_true", help="check X-Twilio-Signature")
    parser.add_argument("--cpu", action="store_true", help="CPU time per request, not elapsed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = ivr.create_app({
            "TESTING": True, "INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{tmp}/b.sqlite3",
            "IVR_MENUS_DIR": str(ROOT / "menus"), "IVR_AUDIO_DIR": str(ROOT / "audio"),
            "IVR_ALLOW_UNSIGNED": not args.signed,
            "TWILIO_AUTH_TOKEN": TOKEN if args.signed else None,
            "IVR_MENU_RELOAD_SECONDS": 5})
        at = datetime(2026, 11, 24, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # offices closed
        app.extensions["ivr.clock"] = lambda: at
        print(f"{args.requests} requests per case, in-process, "
              f"{'signed' if args.signed else 'unsigned'}, "
              f"{'CPU time' if args.cpu else 'elapsed'}; Python {sys.version.split()[0]}")
        clock = time.thread_time if args.cpu else time.perf_counter
        report("bare Flask app (constant TwiML)",
               measure(bare_app().test_client(), "/voice", FORM, args.requests, None, clock))
        client = app.test_client()
        token = TOKEN if args.signed else None
        for name, path, extra in CASES:
            report(name, measure(client, path, {**FORM, **extra}, args.requests, token, clock))
        app.extensions["calllog"].close()


if __name__ == "__main__":
    main()
