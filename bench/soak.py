"""A soak: minutes of steady signed calls through gunicorn, memory and descriptors per worker.

Run: .venv/bin/python bench/soak.py [--minutes 5] [--rate 20] [--db sqlite|postgresql]
     [--every 5] [--warmup 30] [--clients 8] [--max-requests N]

Serves the Procfile's ``web:`` line on loopback (gunicorn.conf.py, signatures
checked with a test token, the call log on, a temporary instance folder;
SQLite there or a fresh PostgreSQL schema dropped afterwards), records one
whole call through the simulator (incoming, English, the police English
line, the dial's outcome, the status callback) and replays it with a new
CallSid ``--rate`` times a second, open loop, from ``--clients`` threads,
for ``--minutes``. Every ``--every`` seconds it reads each process's
resident memory (VmRSS, and RssAnon: the heap, without mapped files such
as SQLite's shared WAL index) and open file descriptors
(``/proc/PID/fd``). It
prints, per worker and for the master: start (after ``--warmup``), end,
maximum and slope of both (memory's also over the second half of the run:
warming caches and allocator arenas make the first minutes steeper); the
webhooks answered and failed; the events the answered webhooks stored
against what they should have (counted per path on a calibration call), and
again 2 s later; every sample goes to
``bench-results/soak-<db>.json``. Nothing is asserted here: the figures are
for the reader; tests/test_faults_proc_soak.py runs a short one
and checks the counts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
import time
import urllib.error
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadbench import calllog, pool  # noqa: E402
from bench.loadbench.server import Server, _children  # noqa: E402

TOKEN = "bench-soak-token"
KEYS = ["1", "1"]  # English, then the police English line (open around the clock)
RESULTS = ROOT / "bench-results"


@dataclass
class Series:
    """One process's samples: (seconds since the start, RSS in KiB, open descriptors,
    anonymous RSS in KiB: the process's own heap, without mapped files and shared memory)."""

    pid: int
    role: str
    points: list[tuple[float, int, int, int]] = field(default_factory=list)

    def after(self, warmup: float) -> list[tuple[float, int, int]]:
        return [p for p in self.points if p[0] >= warmup] or self.points[-1:]


@dataclass
class Soak:
    """What a soak measured."""

    series: dict[int, Series]
    statuses: Counter = field(default_factory=Counter)
    answered: Counter = field(default_factory=Counter)  # 200s per path
    latencies: list[float] = field(default_factory=list)
    expected: int = 0
    stored: int = 0
    stored_later: int = 0
    restarts: int = 0
    seconds: float = 0.0


def read_process(pid: int) -> tuple[int, int, int] | None:
    """The process's resident memory in KiB, its open descriptors and its anonymous resident
    memory in KiB; None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError):
        return None
    kib = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines()
           if line.startswith(("VmRSS:", "RssAnon:"))}
    return kib["VmRSS"], fds, kib["RssAnon"]


def sample(server: Server, series: dict[int, Series], began: float) -> None:
    master = server.process.pid
    for pid in [master, *_children(master)]:
        found = read_process(pid)
        if found is not None:
            role = "master" if pid == master else "worker"
            series.setdefault(pid, Series(pid, role)).points.append(
                (time.monotonic() - began, *found))


class Calls:
    """Plays the template call with a new CallSid ``rate`` times a second until ``stop``."""

    def __init__(self, template: list[pool.Webhook], rate: float, clients: int,
                 result: Soak) -> None:
        self.template, self.rate, self.result = template, rate, result
        self.executor = ThreadPoolExecutor(clients)
        self.run_id = pool.new_run_id()
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._thread = threading.Thread(target=self._schedule, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.executor.shutdown(wait=True)

    def _schedule(self) -> None:
        began, n = time.monotonic(), 0
        while not self._stop.is_set():
            due = began + n / self.rate
            if self._stop.wait(max(0.0, due - time.monotonic())):
                return
            self.executor.submit(self._play, pool.call_sid(self.run_id, n))
            n += 1

    def _play(self, sid: str) -> None:
        for hook in self.template:
            began = time.monotonic()
            try:
                status = pool.send(hook, TOKEN, sid)
            except (urllib.error.URLError, OSError) as exc:
                status = type(getattr(exc, "reason", exc)).__name__
            with self._lock:
                self.result.statuses[status] += 1
                if status == 200:
                    self.result.answered[hook.path] += 1
                    self.result.latencies.append(time.monotonic() - began)
            if status != 200:
                return  # Twilio would end the call here


def soak(minutes: float, rate: float, clients: int, every: float, db: str = "sqlite",
         max_requests: int = 0, folder: Path | None = None) -> Soak:
    """Run one soak in a temporary folder (or ``folder``); return what it measured."""
    with tempfile.TemporaryDirectory(prefix="ivr-soak-") as name:
        tmp = folder or Path(name)
        with calllog.fresh_database(db, tmp) as url:
            return _soak(tmp, url, minutes, rate, clients, every, max_requests)


def _soak(tmp: Path, url: str, minutes: float, rate: float, clients: int, every: float,
          max_requests: int) -> Soak:
    env = {**os.environ, "TWILIO_AUTH_TOKEN": TOKEN, "IVR_INSTANCE_DIR": str(tmp),
           "DATABASE_URL": url, "IVR_CALLER_HASH_KEY": "bench-hash-key",
           "SECRET_KEY": "bench-secret"}
    for unsafe in ("IVR_ALLOW_UNSIGNED", "IVR_DEV", "IVR_SPOOL_DIR", "PORT", "IVR_PROXY_HOPS"):
        env.pop(unsafe, None)
    server = Server(env, tmp / "gunicorn.log", max_requests=max_requests)
    log = calllog.Log(url)
    result = Soak(series={})
    try:
        server.wait_until_up("healthz")
        template = record_quietly(server.base, tmp / "template")
        per_path = calibrate(log, template)
        stored0, offset = log.counts()[1], server.log_size()
        calls = Calls(template, rate, clients, result)
        began = time.monotonic()
        calls.start()
        while time.monotonic() - began < minutes * 60:
            sample(server, result.series, began)
            time.sleep(max(0.0, min(every, minutes * 60 - (time.monotonic() - began))))
        calls.stop()
        sample(server, result.series, began)
        result.seconds = time.monotonic() - began
        result.expected = sum(n * per_path[path] for path, n in result.answered.items())
        log.wait_for(stored0 + result.expected, since=time.monotonic(), timeout=120)
        result.stored = log.counts()[1] - stored0
        time.sleep(2.0)  # and nothing more comes: every event once
        result.stored_later = log.counts()[1] - stored0
        result.restarts = server.restarts(offset)
    finally:
        server.stop()
        log.close()
    return result


def record_quietly(base: str, folder: Path) -> list[pool.Webhook]:
    """Record the template call without the in-process app's menu warnings (restored after)."""
    logger = logging.getLogger("ivr")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return pool.record_call(base, KEYS, folder)
    finally:
        logger.setLevel(level)


def calibrate(log: calllog.Log, template: list[pool.Webhook]) -> dict[str, int]:
    """Send one call and count the events each of its webhooks stores, by path."""
    sid = pool.call_sid("ca11b4a7", 0)
    statuses = [pool.send(hook, TOKEN, sid) for hook in template]
    if statuses != [200] * len(template):
        raise RuntimeError(f"calibration call answered {statuses}")
    paths = [hook.path for hook in template]
    if len(set(paths)) != len(paths):
        raise RuntimeError(f"a path comes twice in the call {paths}: events cannot be counted")
    return dict(zip(paths, log.events_per_request(sid, len(template)), strict=True))


def slope(points: list[tuple[float, int]]) -> float:
    """Least-squares slope of (seconds, value) points, per minute."""
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in points) / spread if spread else 0.0


def growth(series: Series, warmup: float) -> dict[str, float]:
    """Start (after the warm-up), end, maximum and slope of memory (MiB) and descriptors."""
    points = series.after(warmup)
    rss = [(t, r / 1024) for t, r, _, _ in points]
    fds = [(t, f) for t, _, f, _ in points]
    anon = [(t, a / 1024) for t, _, _, a in points]
    middle = (points[0][0] + points[-1][0]) / 2
    return {"from_s": points[0][0], "to_s": points[-1][0], "samples": len(points),
            "rss_start": rss[0][1], "rss_end": rss[-1][1], "rss_max": max(v for _, v in rss),
            "rss_slope": slope(rss), "rss_slope_late": slope([p for p in rss if p[0] >= middle]),
            "anon_start": anon[0][1], "anon_end": anon[-1][1],
            "anon_slope_late": slope([p for p in anon if p[0] >= middle]),
            "fds_start": fds[0][1], "fds_end": fds[-1][1],
            "fds_max": max(v for _, v in fds), "fds_slope": slope(fds)}


def report(result: Soak, warmup: float) -> str:
    lines = ["process         seen (s)     samples  RSS MiB start/end/max  slope MiB/min"
             " (2nd half)  anon MiB start/end (2nd half)  fds start/end/max  slope fds/min"]
    for series in sorted(result.series.values(), key=lambda s: (s.role != "master", s.pid)):
        g = growth(series, warmup)
        lines.append(
            f"{series.role} {series.pid:<8} {g['from_s']:5.0f}-{g['to_s']:<5.0f}  "
            f"{g['samples']:7d}  {g['rss_start']:6.1f} {g['rss_end']:6.1f} {g['rss_max']:6.1f}"
            f"  {g['rss_slope']:+13.3f} ({g['rss_slope_late']:+.3f})  {g['anon_start']:6.1f} "
            f"{g['anon_end']:6.1f} ({g['anon_slope_late']:+.3f})  {g['fds_start']:5d} "
            f"{g['fds_end']:4d} {g['fds_max']:4d}  {g['fds_slope']:+14.2f}")
    latencies = sorted(result.latencies) or [0.0]
    webhooks = sum(result.statuses.values())
    lines += [
        f"webhooks: {webhooks} in {result.seconds:.0f} s ({webhooks / result.seconds:.0f}/s), "
        f"answers {dict(result.statuses)}; p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms; "
        f"worker restarts {result.restarts}",
        f"events stored/expected: {result.stored}/{result.expected}, "
        f"2 s later {result.stored_later}/{result.expected}"]
    return "\n".join(lines)


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=20.0, help="new calls per second")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=30.0,
                        help="seconds before the start figures are taken")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--max-requests", type=int, default=0,
                        help="recycle workers after this many requests (default: as configured)")
    return parser.parse_args()


def main() -> None:
    args = options()
    print(f"soak: {args.minutes:g} min, {args.rate:g} calls/s, {args.db}, load average "
          f"{os.getloadavg()[0]:.2f}, {os.cpu_count()} cores", flush=True)
    result = soak(args.minutes, args.rate, args.clients, args.every, args.db,
                  args.max_requests)
    print(report(result, args.warmup))
    by_role: dict[str, int] = defaultdict(int)
    for series in result.series.values():
        by_role[series.role] += 1
    print(f"processes seen: {dict(by_role)}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"soak-{args.db}.json").write_text(json.dumps(
        {"args": vars(args), "statuses": {str(k): v for k, v in result.statuses.items()},
         "expected": result.expected, "stored": result.stored, "restarts": result.restarts,
         "series": [{"pid": s.pid, "role": s.role, "points": s.points}
                    for s in result.series.values()]}, indent=1))


if __name__ == "__main__":
    main()
