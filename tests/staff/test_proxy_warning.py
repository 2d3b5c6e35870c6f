"""The start-up warning of a trusted proxy whose app port is reachable without it.

With ``IVR_PROXY_HOPS`` set, the app believes the X-Forwarded-For header: the
staff login throttle counts failures per the address it names. Whoever can
reach gunicorn's port directly can name any address and get past the
throttle, so gunicorn warns at start when it listens beyond loopback.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

CONF = ROOT / "gunicorn.conf.py"
WARNING = "which may be reachable without the proxy"


def gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("hops", "addresses", "exposed"), [
    ("1", [("0.0.0.0", 8000)], ["0.0.0.0:8000"]),
    ("2", [("::", 8000)], ["[::]:8000"]),
    ("1", [("10.0.0.5", 8000), ("127.0.0.1", 8001)], ["10.0.0.5:8000"]),
    ("1", [("hotline.example", 8000)], ["hotline.example:8000"]),
    ("1", [("127.0.0.1", 8000), ("::1", 8000), ("localhost", 8000)], []),
    ("1", ["/run/hotline.sock"], []),   # a unix socket: only this machine reaches it
    ("0", [("0.0.0.0", 8000)], []),     # no proxy trusted: nothing to spoof
    ("", [("0.0.0.0", 8000)], []),
])
def test_which_listening_addresses_are_reachable_without_the_proxy(hops, addresses,
                                                                     exposed) -> None:
    assert gunicorn_conf().exposed_to_spoofing(hops, addresses) == exposed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def started_log(tmp_path: Path, host: str, hops: str | None) -> str:
    """Start gunicorn from the Procfile's config on ``host``; return its log once it is up."""
    port = free_port()
    env = {**os.environ, "WEB_CONCURRENCY": "1", "IVR_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}", "SECRET_KEY": "test"}
    env.pop("IVR_PROXY_HOPS", None)
    if hops is not None:
        env["IVR_PROXY_HOPS"] = hops
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(CONF), "--bind",
             f"{host}:{port}", "ivr:create_app()"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "Booting worker" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "gunicorn did not start within 30 s"
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return log.read_text(errors="replace")


@pytest.mark.e2e
@pytest.mark.parametrize(("host", "hops", "warned"), [
    ("0.0.0.0", "1", True),
    ("127.0.0.1", "1", False),
    ("0.0.0.0", None, False),
])
def test_gunicorn_warns_at_start_when_the_proxy_can_be_bypassed(tmp_path, host, hops,
                                                               warned) -> None:
    log = started_log(tmp_path, host, hops)
    lines = [line for line in log.splitlines() if WARNING in line]
    assert len(lines) == (1 if warned else 0), log
    if warned:
        assert "[WARNING] IVR_PROXY_HOPS=1: gunicorn listens on 0.0.0.0:" in lines[0]
        assert lines[0].endswith(
            f"{WARNING}. Anyone who reaches it directly can claim any address in "
            "X-Forwarded-For and get past the staff login throttle: let only the proxy reach "
            "this port (a loopback or private bind, or a firewall; a platform router that is "
            "the only way in, as on Heroku, is enough).")
