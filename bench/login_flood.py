"""Do the call webhooks stay fast while staff logins flood the same gunicorn?

Run: .venv/bin/python bench/login_flood.py [--rate 50] [--seconds 15] [--logins 20]

Starts gunicorn on a free loopback port exactly as the Procfile's ``web:``
line does (``loopback.py``: its config and worker sizing, signatures
checked with a test TWILIO_AUTH_TOKEN, the call log on SQLite in a temporary
instance folder, a staff admin made with the CLI). It posts signed ``POST
/voice`` webhooks (a new CallSid each) at a steady rate, open loop, and
measures each from the moment it was due: first alone ("calm"), then while
``--logins`` threads, in a process of their own, try to log in without
pause ("flood"). As behind a load balancer, ``IVR_PROXY_HOPS=1`` and each
try comes from an address of its own (``X-Forwarded-For``), like a flood
from many addresses: the login throttle never slows it, and every try that
is let in costs an argon2 hash (``--password right`` logs in for real
instead of failing). ``--control`` adds a phase where as many threads only
fetch the login page: a flood of requests without a single hash. It prints
the webhooks' p50, p99 and maximum per phase and what the logins got, stops
gunicorn and deletes its folder (``--keep`` keeps it), and gives up after
``--seconds`` x 3 + 120 s at most.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import re
import resource
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from pathlib import Path

from loopback import PASSWORD, TOKEN, USERNAME, request, serving
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
WRONG = "wrong password, every time"


@dataclass
class Webhooks:
    """Signed POST /voice webhooks, each measured from the moment it was due."""

    port: int
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    def post(self, due: float) -> None:
        with self._lock:
            self._count += 1
            sid = f"CA{os.getpid():08x}{self._count:024x}"
        form = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": "+819012345678",
                "To": "+815000000000", "CallStatus": "ringing", "Direction": "inbound"}
        url = f"http://{HOST}:{self.port}/voice"
        signature = RequestValidator(TOKEN).compute_signature(url, form)
        try:
            status = request(self.port, "POST", "/voice", form,
                             {"X-Twilio-Signature": signature})[0]
        except OSError as exc:
            status = type(exc).__name__
        with self._lock:
            self.latencies.append(time.perf_counter() - due)
            self.statuses[status] += 1

    def run(self, rate: float, seconds: float, senders: int = 32) -> None:
        """Post ``rate`` webhooks a second for ``seconds``, on time whatever the answers take."""
        due: queue.Queue[float | None] = queue.Queue()
        threads = [threading.Thread(target=self._sender, args=(due,), daemon=True)
                   for _ in range(senders)]
        for thread in threads:
            thread.start()
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            moment = start + i / rate
            time.sleep(max(0.0, moment - time.perf_counter()))
            due.put(moment)
        for _ in threads:
            due.put(None)
        for thread in threads:
            thread.join(timeout=30)

    def _sender(self, due: queue.Queue[float | None]) -> None:
        while (moment := due.get()) is not None:
            self.post(moment)


@dataclass
class Logins:
    """Threads trying to log in as the admin, each try from a new address, until told to stop."""

    port: int
    password: str | None
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    cpu: float = 0.0  # CPU seconds the flood's own process used (it shares the machine)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    def once(self) -> None:
        if self.password is None:  # the control: the login page only, no password checked
            self._timed(lambda: request(self.port, "GET", "/staff/login")[0])
            return
        with self._lock:
            self._count += 1
            address = {"X-Forwarded-For": f"10.{self._count >> 16 & 255}."
                                          f"{self._count >> 8 & 255}.{self._count & 255}"}
        _status, page, cookies = request(self.port, "GET", "/staff/login", headers=address)
        token = CSRF.search(page.decode())
        cookie = "; ".join(c.split(";", 1)[0] for c in cookies)  # Secure or not: sent back
        form = {"csrf_token": token.group(1) if token else "", "username": USERNAME,
                "password": self.password}
        self._timed(lambda: request(self.port, "POST", "/staff/login", form,
                                    {"Cookie": cookie, **address})[0])

    def _timed(self, send: Callable[[], int]) -> None:
        start = time.perf_counter()
        status = send()
        with self._lock:
            self.latencies.append(time.perf_counter() - start)
            self.statuses[status] += 1

    def loop(self) -> None:
        while not self.stop.is_set():
            try:
                self.once()
            except OSError as exc:
                with self._lock:
                    self.statuses[type(exc).__name__] += 1


def flood(port: int, logins: int, password: str | None, started: Event, stop: Event,
          results: mp.Queue) -> None:
    """In a process of its own (so its threads do not slow the measuring ones): log in, log in."""
    tries = Logins(port, password)
    threads = [threading.Thread(target=tries.loop, daemon=True) for _ in range(logins)]
    for thread in threads:
        thread.start()
    started.set()
    stop.wait(600)
    tries.stop.set()
    for thread in threads:
        thread.join(timeout=30)
    used = resource.getrusage(resource.RUSAGE_SELF)
    results.put((dict(tries.statuses), tries.latencies, used.ru_utime + used.ru_stime))


def phase(port: int, rate: float, seconds: float, logins: int,
          password: str | None = WRONG) -> tuple[Webhooks, Logins]:
    """Measure webhooks for ``seconds``, with ``logins`` login threads running meanwhile."""
    hooks, tries = Webhooks(port), Logins(port, password)
    if not logins:
        hooks.run(rate, seconds)
        return hooks, tries
    context = mp.get_context("spawn")
    started, stop, results = context.Event(), context.Event(), context.Queue()
    child = context.Process(target=flood, args=(port, logins, password, started, stop, results))
    child.start()
    try:
        started.wait(60)
        hooks.run(rate, seconds)
        stop.set()
        statuses, tries.latencies, tries.cpu = results.get(timeout=60)
        tries.statuses.update(statuses)
    finally:
        stop.set()
        child.join(timeout=60)
        if child.is_alive():
            child.kill()
    return hooks, tries


def ms(values: list[float], share: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000:8.1f}"


def report(name: str, hooks: Webhooks, flood: Logins) -> None:
    times = hooks.latencies
    print(f"{name:6s} webhooks {len(times):5d}  p50 {statistics.median(times) * 1000:8.1f} ms"
          f"  p99 {ms(times, 0.99)} ms  max {max(times) * 1000:8.1f} ms"
          f"  statuses {dict(hooks.statuses)}")
    if flood.latencies:
        what = "logins" if flood.password is not None else "pages"
        print(f"{'':6s} {what:8s} {len(flood.latencies):5d}  p50 "
              f"{statistics.median(flood.latencies) * 1000:8.1f} ms  max "
              f"{max(flood.latencies) * 1000:8.1f} ms  statuses {dict(flood.statuses)}"
              f"  (client CPU {flood.cpu:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50, help="webhooks a second")
    parser.add_argument("--seconds", type=float, default=15, help="length of each phase")
    parser.add_argument("--logins", type=int, default=20, help="login threads in the flood")
    parser.add_argument("--password", choices=["wrong", "right"], default="wrong",
                        help="what the flood's logins try (both cost one hash a try)")
    parser.add_argument("--control", action="store_true", help="a third phase: as many "
                        "threads only fetching the login page (a flood without hashes)")
    parser.add_argument("--app-dir", type=Path, default=ROOT,
                        help="the checkout to serve (default: this one), to compare versions")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("gave up: the benchmark took too long"))
    signal.alarm(int(args.seconds * 3 + 120))
    password = PASSWORD if args.password == "right" else WRONG
    try:
        with serving(args.app_dir.resolve(), {"IVR_PROXY_HOPS": "1"}, args.keep) as port:
            phase(port, args.rate, 2, 1, password)  # warm-up: imports, connections, a hash
            print(f"gunicorn as the Procfile runs it, {os.cpu_count()} cores; {args.rate:g} "
                  f"signed webhooks/s for {args.seconds:g} s a phase; latency from when due")
            report("calm", *phase(port, args.rate, args.seconds, 0))
            report("flood", *phase(port, args.rate, args.seconds, args.logins, password))
            if args.control:
                report("pages", *phase(port, args.rate, args.seconds, args.logins, None))
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    main()
