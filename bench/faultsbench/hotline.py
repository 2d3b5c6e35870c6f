"""The hotline as the Procfile runs it, callers that play whole calls, and the call log counted.

Shared by the database fault tests (``tests/test_faults_db*.py``, short) and
``bench/faults.py`` (long, with figures). ``Hotline`` starts the ``web:``
line of the Procfile on a free loopback port, with signatures checked and the
fixture menus; ``release`` runs its ``release:`` line. ``Callers`` play signed
calls (English, the police English line, which never closes: five webhooks
each) from a few threads until told to stop, recording every answer.
``stored`` reads back what the call log holds, call by call, in order.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from ivr.calllog import store
from ivr.calllog.schema import call_events, calls
from ivr.db import database
from ivr.web import simulator

ROOT = Path(__file__).resolve().parents[2]
MENUS, AUDIO = ROOT / "tests" / "menus", ROOT / "tests" / "audio"  # the fixture tree
TOKEN = "faults-auth-token"
CALLER = "+819012345678"
TIMEOUT = 5.0  # a webhook not answered by then counts as failed (Twilio waits 15 s)
# A line of gunicorn's error log, the app's included (ivr.logs): time, process, level, message.
LINE = re.compile(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4})\] \[(\d+)\] \[([A-Z]+)\] (.*)")


@dataclass(frozen=True)
class Said:
    """One line of the error log: who said what at which level (None: not an error log line)."""

    pid: int | None
    level: str | None
    message: str


def said(text: str) -> list[Said]:
    """The lines of gunicorn's output (error log and access log), the error log's parsed."""
    found = []
    for line in text.splitlines():
        match = LINE.fullmatch(line)
        found.append(Said(int(match[2]), match[3], match[4]) if match else Said(None, None, line))
    return found


def procfile(kind: str) -> list[str]:
    """Return the Procfile's ``kind:`` command, run by this Python (its virtualenv)."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(kind + ":"):
            words = shlex.split(line.removeprefix(kind + ":"))
            if words[0] in ("gunicorn", "flask"):
                words[:1] = [sys.executable, "-m", words[0]]
            return words
    raise LookupError(f"the Procfile has no {kind}: line")


def environment(folder: Path, url: str, workers: int | None = 2) -> dict[str, str]:
    """A production-like environment: signatures checked, the call log at ``url``;
    ``workers`` None: as many as gunicorn.conf.py makes."""
    env = {**os.environ, "TWILIO_AUTH_TOKEN": TOKEN, "IVR_INSTANCE_DIR": str(folder),
           "DATABASE_URL": url, "IVR_CALLER_HASH_KEY": "faults-key",
           "SECRET_KEY": "faults-secret", "WEB_CONCURRENCY": str(workers),
           "IVR_MENUS_DIR": str(MENUS), "IVR_AUDIO_DIR": str(AUDIO)}
    env.pop("IVR_ALLOW_UNSIGNED", None)
    if workers is None:
        env.pop("WEB_CONCURRENCY")
    return env


def release(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the Procfile's release step (the migrations) as a platform would before a deploy."""
    return subprocess.run(procfile("release"), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


class Hotline:
    """gunicorn from the Procfile's ``web:`` line, bound to a free loopback port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = log
        command = [*procfile("web"), "--bind", f"127.0.0.1:{self.port}"]
        with open(log, "wb") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.text())
            try:
                with urllib.request.urlopen(self.base + "healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n" + self.text())

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """TERM to the master (a graceful stop); KILL to its process group if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Step:
    """One webhook of a call: what was asked, what came back, how long it took."""

    path: str
    began: float  # time.monotonic()
    seconds: float
    status: int
    body: bytes

    def verbs(self) -> list[str]:
        """The TwiML's verbs in order, each with its nested nouns: ``Gather(Say,Say)``.
        Raises ET.ParseError when the answer is not XML."""
        root = ET.fromstring(self.body)
        assert root.tag == "Response", root.tag
        return [f"{verb.tag}({','.join(child.tag for child in verb)})" for verb in root]


@dataclass
class Played:
    """One call as the caller lived it: the transcript and every webhook's answer."""

    sid: str
    lines: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    error: str | None = None


def play(base: str, sid: str) -> Played:
    """Play one signed call: English, the police English line, answered, then hung up."""
    played = Played(sid)

    def post(url: str, form: dict[str, str]) -> tuple[int, bytes]:
        began = time.monotonic()
        status, body = _post(url, form)
        played.steps.append(Step(urlsplit(url).path, began, time.monotonic() - began,
                                 status, body))
        return status, body

    call = simulator.Call(at=None, keys=["1", "1"], caller=CALLER, sid=sid)  # type: ignore[arg-type]
    try:
        played.lines = simulator.play(post, call, base)
    except (OSError, ET.ParseError) as exc:
        played.error = f"{type(exc).__name__}: {exc}"
    return played


def _post(url: str, form: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST",
                                     headers=simulator.sign(TOKEN, url, form))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


class Callers:
    """``clients`` threads playing calls one after another until ``stop``."""

    def __init__(self, base: str, clients: int = 3, tag: int = 0) -> None:
        self.base, self.tag = base, tag
        self.played: list[Played] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(clients)]
        for thread in self._threads:
            thread.start()

    def _run(self, client: int) -> None:
        n = 0
        while not self._stop.is_set():
            played = play(self.base, f"CA{self.tag:08x}{client:04x}{n:020x}")
            with self._lock:
                self.played.append(played)
            n += 1

    def count(self) -> int:
        with self._lock:
            return len(self.played)

    def stop(self) -> list[Played]:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)
        return self.played


@dataclass(frozen=True)
class Record:
    """What the call log holds of one call: its events' kinds in order, and its row."""

    kinds: tuple[str, ...]
    outcome: str
    status: str | None
    event_count: int


def stored(url: str) -> tuple[int, dict[str, Record]]:
    """Return the number of event rows, and each call's record (empty without tables)."""
    engine = database.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("call_events"):
                return 0, {}
            total = connection.execute(sa.select(sa.func.count()).select_from(call_events))
            rows = {row.id: row for row in connection.execute(sa.select(calls))}
            events = store.events_of_calls(connection, list(rows))
            return total.scalar_one(), {
                row.call_sid: Record(tuple(str(e.kind) for e in events.get(id_, [])),
                                     row.outcome, row.status, row.event_count)
                for id_, row in rows.items()}
    finally:
        engine.dispose()


def count_events(url: str) -> int:
    """Return the number of event rows in the log (0 without tables)."""
    engine = database.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("call_events"):
                return 0
            query = sa.select(sa.func.count()).select_from(call_events)
            return connection.execute(query).scalar_one()
    finally:
        engine.dispose()


def wait_stored(url: str, events: int, timeout: float) -> float:
    """Wait until the log holds ``events`` event rows; return the seconds it took."""
    began = time.monotonic()
    while count_events(url) < events and time.monotonic() - began < timeout:
        time.sleep(0.1)
    return time.monotonic() - began


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
