"""gunicorn exactly as the Procfile runs it, on a free loopback port, for benchmarks.

``serving()`` runs the Procfile's ``web:`` line with this Python (its config
file, its worker sizing), bound to 127.0.0.1 instead of 0.0.0.0, with Twilio
signatures checked (a test token), the call log on SQLite in a temporary
instance folder and a staff admin made with the CLI as an operator would
(real argon2 parameters). It stops gunicorn and its workers and deletes the
folder afterwards. ``request`` sends one request on a new connection.
"""

from __future__ import annotations

import http.client
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
TOKEN = "bench-auth-token"
USERNAME, PASSWORD = "bench-admin", "bench password, long enough"


@contextmanager
def serving(app_dir: Path, settings: dict[str, str], keep: bool = False) -> Iterator[int]:
    """Serve ``app_dir``, ``settings`` added to a production-like environment; yield the port."""
    folder, port = Path(tempfile.mkdtemp(prefix="ivr-bench-")), free_port()
    env = environment(folder, port, settings)
    server = None
    try:
        create_admin(app_dir, env)
        with open(folder / "gunicorn.log", "wb") as log:
            server = subprocess.Popen(procfile_command(app_dir, port), cwd=app_dir, env=env,
                                      stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        wait_until_up(port, server, folder / "gunicorn.log")
        yield port
    finally:
        if server is not None:
            stop(server)
        if keep:
            print(f"kept {folder} (gunicorn.log, the database)")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def environment(folder: Path, port: int, settings: dict[str, str]) -> dict[str, str]:
    """The server's environment: signatures on, no development switches, state in ``folder``."""
    env = {**os.environ, "PORT": str(port), "TWILIO_AUTH_TOKEN": TOKEN,
           "IVR_INSTANCE_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'ivr.sqlite3'}",
           "SECRET_KEY": "bench-secret-key", "IVR_CALLER_HASH_KEY": "bench-hash-key"}
    for unsafe in ("IVR_ALLOW_UNSIGNED", "IVR_DEV", "IVR_PROXY_HOPS"):
        env.pop(unsafe, None)
    return {**env, **settings}


def procfile_command(app_dir: Path, port: int) -> list[str]:
    """The Procfile's web: line, run by this Python, bound to loopback instead of 0.0.0.0."""
    for line in (app_dir / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("web:"):
            words = shlex.split(line[len("web:"):])
            assert words[0] == "gunicorn", line
            return [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", *words[1:]]
    raise SystemExit("the Procfile has no web: line")


def create_admin(app_dir: Path, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "ivr", "staff", "create", USERNAME,
                    "--role", "admin", "--password-stdin"], cwd=app_dir, env=env, check=True,
                   input=PASSWORD + "\n", text=True, capture_output=True, timeout=60)


def wait_until_up(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped:\n" + log.read_text(errors="replace"))
        try:
            status, body, _ = request(port, "GET", "/healthz")
            if status == 200 and json.loads(body)["status"] == "ok":
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start within 60 s")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers: TERM, then KILL to the group if they linger."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def request(port: int, method: str, path: str, body: dict[str, str] | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes, list[str]]:
    """One request on a new connection; return status, body and Set-Cookie headers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=20)
    try:
        data = urlencode(body).encode() if body is not None else None
        sent = {"Connection": "close", **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, response.read(), response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()
