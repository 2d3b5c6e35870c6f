"""A real gunicorn on loopback, driven with signed requests, as Twilio would."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import AUDIO, MENUS, ROOT

from ivr.web import simulator

pytestmark = pytest.mark.e2e
TOKEN = "e2e-auth-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, form: dict[str, str], token: str | None = TOKEN) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST",
                                     headers=simulator.sign(token, url, form))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


@pytest.fixture(scope="module")
def server(gunicorn: tuple[str, Path]) -> str:
    return gunicorn[0]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Start gunicorn from the Procfile's config on a free loopback port; yield its URL, log."""
    tmp: Path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {**os.environ, "PORT": str(port), "TWILIO_AUTH_TOKEN": TOKEN,
           "IVR_INSTANCE_DIR": str(tmp), "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
           "IVR_CALLER_HASH_KEY": "e2e-key", "SECRET_KEY": "e2e-secret", "WEB_CONCURRENCY": "2",
           "IVR_MENUS_DIR": str(MENUS), "IVR_AUDIO_DIR": str(AUDIO)}
    env.pop("IVR_ALLOW_UNSIGNED", None)
    log = tmp / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "ivr:create_app()"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(base, process, log)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=30)
        # no caller number in the server's logs, at any level
        assert "819012345678" not in log.read_text(errors="replace")


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace"))
        try:
            with urllib.request.urlopen(base + "healthz", timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


def test_a_signed_call_to_the_police_line_runs_end_to_end(server):
    call = simulator.Call(at=None, keys=["1", "1"], caller="+819012345678")
    lines = simulator.play(post, call, server)
    assert lines[-3:] == [
        "-> dials +81335010110 (rings 30 s, caller ID +815000000000): completed",
        "[en-US] Thank you for calling. Take care. Goodbye.",
        "-> the app hangs up"]
    assert "presses 1" in lines


def test_unsigned_and_badly_signed_requests_are_refused(server):
    form = {"CallSid": "CA" + "1" * 32, "From": "+819012345678", "To": "+815000000000"}
    assert post(server + "voice", form, token=None)[0] == 403
    assert post(server + "voice", form, token="wrong-token")[0] == 403
    status, body = post(server + "voice/status", {**form, "CallStatus": "completed"})
    assert (status, body) == (200, b'<?xml version="1.0" encoding="UTF-8"?><Response />')


def test_the_access_log_has_the_path_but_never_the_query_of_a_get_webhook(gunicorn):
    """A number set to GET sends the caller's number in the query string."""
    base, log = gunicorn
    url = base + "voice?" + urlencode({"CallSid": "CA" + "2" * 32, "From": "+819087654321",
                                       "To": "+815000000000"})
    request = urllib.request.Request(url, headers=simulator.sign(TOKEN, url, {}))
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    deadline = time.monotonic() + 10
    while not (lines := [line for line in log.read_text(errors="replace").splitlines()
                         if "GET /voice" in line]):
        assert time.monotonic() < deadline, "no access log line for GET /voice"
        time.sleep(0.1)
    assert "819087654321" not in log.read_text(errors="replace")
    assert len(lines) == 1 and '"GET /voice" 200' in lines[0]
