"""The hotline under load, served as the Procfile serves it, driven by wrk with signed webhooks.

Run: .venv/bin/python bench/load.py [--db sqlite|postgresql] [--duration 30]
     [--connections 32] [--max-requests N] [--repeat N] [--app hotline|baseline]

Each run starts gunicorn from the Procfile's ``web:`` line on loopback (its
gunicorn.conf.py, signature validation on with a test TWILIO_AUTH_TOKEN, the
call log on, in a temporary instance folder: SQLite there, or a fresh
PostgreSQL schema dropped afterwards), replays the webhooks of whole calls
with distinct CallSids through wrk for ``--duration`` seconds, stops what it
started, and prints: requests per second, p50/p99 latency, server CPU per
request, the longest time with no answer at all, worker restarts, and the
call log's lag: seconds from the last webhook answered until every event
those answered webhooks made is in the database (counted).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadbench import calllog, pool  # noqa: E402
from bench.loadbench.server import Server  # noqa: E402

TOKEN = "bench-load-token"
KEYS = ["1", "1"]  # English, then the police English line (open around the clock)
LUA = Path(__file__).resolve().parent / "loadbench" / "signed.lua"
RESULTS = ROOT / "bench-results"


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--app", choices=["hotline", "baseline"], default="hotline",
                        help="baseline: a bare Flask app under the same gunicorn settings")
    parser.add_argument("--duration", type=int, default=30, help="seconds of load")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--calls", type=int, default=0,
                        help="calls in the request pool (default: 800 per second of load)")
    parser.add_argument("--max-requests", type=int, default=0,
                        help="recycle workers after this many requests (gunicorn's option)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--lag-timeout", type=float, default=300.0)
    parser.add_argument("--keep-log", action="store_true",
                        help="copy gunicorn's output to bench-results/ (the gap's wall time too)")
    return parser.parse_args()


def environment(tmp: Path, url: str) -> dict[str, str]:
    env = {**os.environ, "TWILIO_AUTH_TOKEN": TOKEN, "IVR_INSTANCE_DIR": str(tmp),
           "DATABASE_URL": url, "IVR_CALLER_HASH_KEY": "bench-hash-key",
           "SECRET_KEY": "bench-secret", "PYTHONPATH": str(ROOT / "bench")}
    for name in ("IVR_ALLOW_UNSIGNED", "IVR_DEV", "IVR_SPOOL_DIR", "PORT"):
        env.pop(name, None)
    return env


def run_wrk(server: Server, folder: Path, args: argparse.Namespace) -> dict:
    host = server.base.split("/")[2]
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "20s", "-s", str(LUA), server.base, "--", str(folder), host]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    output = done.stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def one_run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="ivr-load-") as name:
        tmp = Path(name)
        with calllog.fresh_database(args.db, tmp) as url:
            return measure(args, tmp, url)


def measure(args: argparse.Namespace, tmp: Path, url: str) -> dict:
    """Serve, calibrate, load, wait for the log; return the figures of one run."""
    hotline = args.app == "hotline"
    server = Server(environment(tmp, url), tmp / "gunicorn.log", max_requests=args.max_requests,
                    app_spec=None if hotline else "loadbench.bare:app")
    log = calllog.Log(url) if hotline else None
    figures: dict = {"app": args.app, "db": args.db if hotline else None,
                     "max_requests": args.max_requests or None}
    try:
        figures["boot_s"] = server.wait_until_up("healthz" if hotline else "")
        template = pool.record_call(server.base, KEYS, tmp / "template")
        run = pool.new_run_id()
        per_path = calibrate(server, log, template, run) if log else {}
        calls = args.calls or int(args.duration * 800)
        pool.write_pool(tmp / "pool", template, TOKEN, calls=calls, threads=args.threads,
                        run=run)
        offset, cpu0 = server.log_size(), server.cpu_seconds()
        stored0 = log.counts()[1] if log else 0
        result = run_wrk(server, tmp / "pool", args)
        figures["spool_mib_at_end"] = spool_mib(tmp / "spool")
        figures.update(wrk_figures(result))
        figures["cpu_ms_per_request_load"] = cpu_ms(server.cpu_seconds() - cpu0, result)
        figures["restarts"] = server.restarts(offset)
        if result["gap_ms"]:  # when it began, to find it in gunicorn's log
            began = result["gap_at_ms"] / 1000 + time.time() - time.monotonic()
            figures["gap_wall_time"] = time.strftime("%H:%M:%S", time.gmtime(began))
        if log:
            time.sleep(0.5)  # requests in flight when wrk stopped are answered and logged
            answered = server.answered(offset)
            expected = stored0 + sum(n * per_path.get(path, 0) for path, n in answered.items())
            last = result["last_ms"] / 1000
            lag = log.wait_for(expected, since=last, timeout=args.lag_timeout)
            figures["cpu_ms_per_request_total"] = cpu_ms(server.cpu_seconds() - cpu0, result)
            time.sleep(2.0)  # then nothing more may come: every event once
            figures.update(lag_s=lag, expected_events=expected - stored0,
                           stored_events=log.counts()[1] - stored0,
                           answered_webhooks=sum(answered.values()))
    finally:
        figures["stop_s"] = server.stop()
        if args.keep_log:
            RESULTS.mkdir(exist_ok=True)
            shutil.copy(server.log, RESULTS / f"load-{args.app}-gunicorn.log")
        if log:
            log.close()
    return figures


def calibrate(server: Server, log: calllog.Log, template: list[pool.Webhook],
              run: str) -> dict[str, int]:
    """Send one call and count the events each of its webhooks stores, by path."""
    sid = pool.call_sid(run, 16**24 - 1)
    statuses = [pool.send(hook, TOKEN, sid) for hook in template]
    if statuses != [200] * len(template):
        raise RuntimeError(f"calibration call answered {statuses}")
    counts = log.events_per_request(sid, len(template))
    paths = [hook.path for hook in template]
    if len(set(paths)) != len(paths):
        raise RuntimeError(f"a path comes twice in the call {paths}: events cannot be counted")
    return dict(zip(paths, counts, strict=True))


def wrk_figures(result: dict) -> dict:
    seconds = result["duration_us"] / 1e6
    return {"requests": result["requests"], "ok": result["ok"],
            "errors": sum(result[k] for k in ("connect_errors", "read_errors", "write_errors",
                                              "status_errors", "timeouts")),
            "requests_per_s": result["requests"] / seconds,
            "p50_ms": result["p50_us"] / 1000, "p99_ms": result["p99_us"] / 1000,
            "max_ms": result["max_us"] / 1000, "longest_gap_s": result["gap_ms"] / 1000}


def spool_mib(folder: Path) -> float:
    """The size of the spool files (their stored lines too, up to 1 MiB each)."""
    return sum(path.stat().st_size for path in folder.glob("*.jsonl")) / 2**20


def cpu_ms(seconds: float, result: dict) -> float:
    return seconds * 1000 / max(1, result["requests"])


def show(figures: dict) -> str:
    parts = [f"{figures['app']}/{figures['db'] or '-'}",
             f"{figures['requests_per_s']:.0f} req/s",
             f"p50 {figures['p50_ms']:.1f} ms", f"p99 {figures['p99_ms']:.1f} ms",
             f"max {figures['max_ms']:.0f} ms",
             f"cpu {figures['cpu_ms_per_request_load']:.2f} ms/req",
             f"errors {figures['errors']}", f"longest gap {figures['longest_gap_s']:.2f} s",
             f"restarts {figures['restarts']}"]
    if "lag_s" in figures:
        lag = figures["lag_s"]
        parts += [f"log lag {'> timeout' if lag is None else f'{lag:.1f} s'}",
                  f"events {figures['stored_events']}/{figures['expected_events']}",
                  f"cpu incl. log {figures['cpu_ms_per_request_total']:.2f} ms/req"]
    parts.append(f"stop {figures['stop_s']:.1f} s")
    return "  ".join(parts)


def main() -> None:
    args = options()
    print(f"load: {args.app}, {args.db}, {args.connections} connections, "
          f"{args.duration:.0f} s, max_requests {args.max_requests or 'as configured'}; "
          f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores", flush=True)
    runs = []
    for _ in range(args.repeat):
        runs.append(one_run(args))
        print(show(runs[-1]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    name = f"load-{args.app}-{args.db}{'-recycle' if args.max_requests else ''}.json"
    (RESULTS / name).write_text(json.dumps({"args": vars(args), "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
