"""Gunicorn as the Procfile's ``web:`` line starts it, on a free loopback port.

The command is read from the ``Procfile`` (so the benchmark serves what
production serves) and only gets ``--bind 127.0.0.1:PORT`` appended, plus
``--max-requests`` when a run asks for recycling. Its output (access log and
error log) goes to a file the benchmark reads: answered requests per path,
worker restarts.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# gunicorn.conf.py's access_log_format: '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
ACCESS = re.compile(rb'^\S+ "(?P<method>[A-Z]+) (?P<path>\S+)" (?P<status>\d{3}) ')


def procfile_command(app_spec: str | None = None) -> list[str]:
    """Return the Procfile's web command, the app spec replaced when ``app_spec`` is given."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            words = shlex.split(line.removeprefix("web:"))
            return [*words[:-1], app_spec] if app_spec else words
    raise SystemExit("the Procfile has no web: line")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn master and its workers, started in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, *, app_spec: str | None = None,
                 max_requests: int | None = None, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = log
        command = [*procfile_command(app_spec), "--bind", f"127.0.0.1:{self.port}", *extra]
        if max_requests:
            command += ["--max-requests", str(max_requests)]
        if command[0] == "gunicorn":  # the virtualenv's, whatever PATH says
            command[:1] = [str(ROOT / ".venv" / "bin" / "python"), "-m", "gunicorn"]
        self.command = command
        with open(log, "wb") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self, path: str = "healthz", timeout: float = 60.0) -> float:
        """Wait for an answer on ``path``; return the seconds it took since the start."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - began
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")

    def cpu_seconds(self) -> float:
        """CPU time of the master and its workers, the exited ones included."""
        pids = [self.process.pid, *_children(self.process.pid)]
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except FileNotFoundError:
                continue
            ticks = sum(int(f) for f in fields[11:13])  # utime, stime
            if pid == self.process.pid:
                ticks += sum(int(f) for f in fields[13:15])  # cutime, cstime: reaped workers
            total += ticks / os.sysconf("SC_CLK_TCK")
        return total

    def log_size(self) -> int:
        return self.log.stat().st_size

    def answered(self, since: int = 0) -> Counter[str]:
        """Count the 200 answers per path in the access log from byte ``since`` on."""
        with open(self.log, "rb") as file:
            file.seek(since)
            found = (ACCESS.match(line) for line in file)
            return Counter(m["path"].decode() for m in found if m and m["status"] == b"200")

    def restarts(self, since: int = 0) -> int:
        with open(self.log, "rb") as file:
            file.seek(since)
            return file.read().count(b"Autorestarting worker")

    def stop(self, timeout: float = 60.0) -> float:
        """SIGTERM the master and wait for the whole group; return how long it took."""
        began = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return time.monotonic() - began


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]
