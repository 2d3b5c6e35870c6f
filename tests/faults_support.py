"""Real processes for the fault tests: gunicorn as the Procfile serves it, a load of
signed calls from a pool of client threads, and exact counts of what the call log stored.

Each client posts ``POST /voice`` for a new call (a CallSid of its own) on a new
connection, again and again until stopped, and keeps what came back: the
status, the body and the ``X-IVR-Tree`` header, or the kind of connection
error when no answer came. A call is one request, so the events a call has
in the database say whether the app handled its request: the tests count
them against the answers.
"""

from __future__ import annotations

import http.client
import itertools
import os
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from conftest import AUDIO, MENUS
from test_e2e_gunicorn import TOKEN

import ivr
from bench.loadbench.server import Server, _children
from ivr.calllog.schema import call_events, calls
from ivr.db import database
from ivr.web import simulator

HOTLINE = "+815000000000"


def start(folder: Path, **settings: str) -> Server:
    """Serve the Procfile's web: line on loopback (2 workers), state in ``folder``; wait."""
    env = {**os.environ, "TWILIO_AUTH_TOKEN": TOKEN, "IVR_INSTANCE_DIR": str(folder),
           "DATABASE_URL": f"sqlite:///{folder / 'ivr.sqlite3'}", "SECRET_KEY": "faults-secret",
           "IVR_CALLER_HASH_KEY": "faults-key", "WEB_CONCURRENCY": "2",
           "IVR_MENUS_DIR": str(MENUS), "IVR_AUDIO_DIR": str(AUDIO), **settings}
    for unsafe in ("IVR_ALLOW_UNSIGNED", "IVR_DEV", "IVR_PROXY_HOPS"):
        env.pop(unsafe, None)
    folder.mkdir(parents=True, exist_ok=True)
    server = Server(env, folder / "gunicorn.log")
    try:
        server.wait_until_up()
        wait_for(lambda: len(workers(server)) == 2, "both workers up")
    except BaseException:
        server.stop()
        raise
    return server


def workers(server: Server) -> list[int]:
    return _children(server.process.pid)


def wait_for(done, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@dataclass(frozen=True)
class Answer:
    """What one request got: an HTTP answer, or the connection error that came instead."""

    sid: str
    status: int | None = None
    body: bytes = b""
    tree: str | None = None
    error: str | None = None


def send(port: int, path: str, form: dict[str, str]) -> Answer:
    """Post ``form`` to ``path``, signed as Twilio signs, on a new connection."""
    url = f"http://127.0.0.1:{port}{path}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Connection": "close", "Content-Type": "application/x-www-form-urlencoded",
               **simulator.sign(TOKEN, url, form)}
    try:
        connection.request("POST", path, body=urlencode(form), headers=headers)
        response = connection.getresponse()
        return Answer(form["CallSid"], response.status, response.read(),
                      response.getheader("X-IVR-Tree"))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(form["CallSid"], error=type(exc).__name__)
    finally:
        connection.close()


def new_call(sid: str) -> dict[str, str]:
    return {"CallSid": sid, "From": "+819012345678", "To": HOTLINE, "CallStatus": "ringing"}


class Load:
    """``clients`` threads posting new calls to ``/voice`` until ``stop``; ``answers`` kept."""

    def __init__(self, port: int, clients: int = 6, prefix: str = "f") -> None:
        self.port, self.answers = port, []
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._numbers = itertools.count()
        self._prefix = prefix.encode().hex()[:8]
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> list[Answer]:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)
        return self.answers

    def count(self) -> int:
        with self._lock:
            return len(self.answers)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                sid = f"CA{self._prefix:0<8}{next(self._numbers):024x}"
            answer = send(self.port, "/voice", new_call(sid))
            with self._lock:
                self.answers.append(answer)
            if answer.error == "ConnectionRefusedError":
                time.sleep(0.01)  # the server is gone: no busy loop


def greeting(folder: Path) -> bytes:
    """What ``POST /voice`` answers a new call on the fixture menus, from an in-process app.

    The answer names no CallSid, so every new call gets these very bytes.
    """
    app = ivr.create_app({"TESTING": True, "INSTANCE_PATH": str(folder),
                          "IVR_MENUS_SOURCE": "folder", "IVR_MENUS_DIR": str(MENUS),
                          "IVR_AUDIO_DIR": str(AUDIO), "TWILIO_AUTH_TOKEN": None,
                          "IVR_ALLOW_UNSIGNED": True})
    try:
        body = app.test_client().post("/voice", data=new_call("CA" + "0" * 32)).data
    finally:
        app.extensions["calllog"].close()
    root = ET.fromstring(body)
    assert [child.tag for child in root] == ["Gather", "Redirect"]
    assert root[0].get("action") == "/voice/language?h=main&t=language&n=1"
    assert "dial 1 1 0 for the police" in root[0][1][0].text
    return body


@dataclass(frozen=True)
class Stored:
    """What the call log holds: events per call, all events, distinct event uids."""

    per_call: dict[str, int]
    events: int
    uids: int


def stored(url: str) -> Stored:
    engine = database.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(calls.c.call_sid, calls.c.event_count))
            per_call = {sid: count for sid, count in rows}
            events = connection.execute(sa.select(sa.func.count()).select_from(call_events))
            uids = connection.execute(sa.select(sa.func.count(sa.distinct(call_events.c.uid))))
            return Stored(per_call, events.scalar_one(), uids.scalar_one())
    finally:
        engine.dispose()


def wait_stored(url: str, done, timeout: float = 30.0) -> Stored:
    """Wait until ``done(stored)`` holds (the writer drains every second); return the log."""
    deadline = time.monotonic() + timeout
    while True:
        log = stored(url)
        if done(log) or time.monotonic() > deadline:
            return log
        time.sleep(0.2)


def events_per_call(server: Server, url: str) -> int:
    """Post one call and return how many events it stores (what every new call stores)."""
    answer = send(server.port, "/voice", new_call("CA" + "e" * 32))
    assert answer.status == 200, answer
    log = wait_stored(url, lambda log: "CA" + "e" * 32 in log.per_call)
    assert log.per_call["CA" + "e" * 32] > 1
    return log.per_call["CA" + "e" * 32]
