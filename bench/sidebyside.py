"""The hotline beside a bare Flask app, webhook by webhook, under the same gunicorn and wrk.

Run: .venv/bin/python bench/sidebyside.py [--db sqlite|postgresql] [--duration 5]
     [--rounds 3] [--connections 32] [--only NAME] [--reload-seconds 12]

On loopback it starts the app exactly as the Procfile serves it (signature
validation on with a test TWILIO_AUTH_TOKEN, the call log on: SQLite, or a
fresh PostgreSQL schema dropped afterwards; a copy of the menus in the
instance folder) and the bare Flask app of ``loadbench/bare.py`` under the
same command. For each webhook of a real call it runs wrk rounds, baseline
then app, ``--rounds`` times, and computes each ratio within its pair. It
prints per webhook: req/s, p50, p99, server CPU per request (master and
workers, the call log's writing included), ratios to the baseline; memory per
worker; the cold start to the first answered webhook; and a menu reload
under load (failed requests, requests over 1.5x the baseline's p99).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import LUA, TOKEN, environment  # noqa: E402
from bench.loadbench import calllog, pairs, pool  # noqa: E402
from bench.loadbench.pairs import Round  # noqa: E402
from bench.loadbench.server import Server  # noqa: E402
from ivr.db import database  # noqa: E402
from ivr.menustore import versions  # noqa: E402
from ivr.web import simulator  # noqa: E402

RESULTS = ROOT / "bench-results"
MAX_RATE = 6000  # requests per second a pool is sized for (wrk stops when it is used up)


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/app pairs per webhook")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--only", action="append", choices=list(pairs.WEBHOOKS),
                        help="measure only this webhook (repeatable)")
    parser.add_argument("--gunicorn", default="",
                        help="extra gunicorn options for both servers, to compare settings "
                             "(e.g. \"--worker-class sync --workers 3\")")
    parser.add_argument("--reload-seconds", type=float, default=12.0,
                        help="load during the menu reload (0: skip it)")
    return parser.parse_args()


def wrk(server: Server, folder: Path, args: argparse.Namespace, seconds: float,
        slow_us: int | None = None) -> dict:
    host = server.base.split("/")[2]
    env = {**os.environ, "BENCH_SLOW_US": str(slow_us or "")}
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s",
               "--timeout", "20s", "-s", str(LUA), server.base, "--", str(folder), host]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH "))
    result = json.loads(line.removeprefix("BENCH "))
    result["errors"] = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors",
                                               "status_errors", "timeouts"))
    return result


def settled_cpu(server: Server, quiet: float = 0.01, limit: float = 15.0) -> float:
    """The server's CPU seconds once it is idle again (the call log's drain done)."""
    deadline, last = time.monotonic() + limit, server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = server.cpu_seconds()
        if now - last < quiet:
            return now
        last = now
    return last


def one_round(server: Server, folder: Path, args: argparse.Namespace) -> Round:
    cpu0 = settled_cpu(server)
    result = wrk(server, folder, args, args.duration)
    cpu = settled_cpu(server) - cpu0
    return Round(requests_per_s=result["requests"] / (result["duration_us"] / 1e6),
                 p50_ms=result["p50_us"] / 1000, p99_ms=result["p99_us"] / 1000,
                 cpu_ms=cpu * 1000 / max(1, result["requests"]),
                 errors=result["errors"] + result["requests"] - result["ok"])


def cold_start(env: dict[str, str], tmp: Path, hook: pool.Webhook,
               extra: tuple[str, ...] = ()) -> tuple[Server, float]:
    """Start the app; return it and the seconds until it answered a signed webhook."""
    began = time.monotonic()
    server = Server(env, tmp / "gunicorn.log", extra=extra)
    first = pairs.rebase(hook, server.base)
    while time.monotonic() - began < 60:
        if server.process.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + server.log.read_text(errors="replace"))
        try:
            if pool.send(first, TOKEN, pool.call_sid("c01dc01d", 0)) == 200:
                return server, time.monotonic() - began
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("the app answered no webhook within 60 s")


def worker_memory_mib(server: Server) -> dict[str, list[float]]:
    """Each worker's resident memory (RSS) and its proportional share (PSS: pages shared
    with the master and the other workers, the preloaded app, counted in part), MiB."""
    text = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text()
    sizes: dict[str, list[float]] = {"rss": [], "pss": []}
    for pid in text.split():
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("Rss", "Pss"):
                sizes[name.lower()].append(round(int(value.split()[0]) / 1024, 1))
    return {name: sorted(values) for name, values in sizes.items()}


def tree_header(server: Server, hook: pool.Webhook) -> str:
    """The tree version the app answers ``hook`` with (its X-IVR-Tree header)."""
    form = {**hook.form, "CallSid": pool.call_sid("7ee07ee0", 0)}
    request = urllib.request.Request(hook.url, data=urllib.parse.urlencode(form).encode(),
                                     headers=simulator.sign(TOKEN, hook.url, form))
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("X-IVR-Tree", "")


def publish_edit(url: str) -> int:
    """Publish, as staff would, the latest version with main.yaml's English prompt changed."""
    engine = database.create_engine(url)
    try:
        with engine.begin() as connection:
            latest = versions.latest(connection)
            files = {**latest.files, "main.yaml": latest.files["main.yaml"].replace(
                "Please choose what you need.", "Please choose what you need today.")}
            return versions.add(connection, files, latest.root, kind="publish",
                                note="benchmark: a reload under load", author="bench",
                                now=datetime.now(UTC)).number
    finally:
        engine.dispose()


def reload_under_load(server: Server, hook: pool.Webhook, menus_dir: Path, tmp: Path,
                      url: str, args: argparse.Namespace, slow_us: int) -> dict:
    """Load ``hook`` while main.yaml in the menus folder is replaced by an edited copy, then
    a version with that edit is published; count failures and slow answers."""
    before = tree_header(server, hook)
    pool.write_pool(tmp / "reload", [hook], TOKEN, run=pool.new_run_id(),
                    calls=int(args.reload_seconds * MAX_RATE), threads=args.threads)
    main = menus_dir / "main.yaml"

    def edit() -> None:
        time.sleep(args.reload_seconds / 6)
        draft = main.with_name("main.yaml.new")
        draft.write_text(main.read_text().replace("Please choose what you need.",
                                                  "Please choose what you need now."))
        os.replace(draft, main)  # what an editor or a deploy does: a new file, renamed
        time.sleep(args.reload_seconds / 3)
        publish_edit(url)

    editor = threading.Thread(target=edit)
    editor.start()
    result = wrk(server, tmp / "reload", args, args.reload_seconds, slow_us)
    editor.join()
    after = tree_header(server, hook)
    return {"requests": result["requests"], "failed": result["errors"] + result["requests"]
            - result["ok"], "slow": result["slow"], "slow_limit_ms": slow_us / 1000,
            "p99_ms": result["p99_us"] / 1000, "max_ms": result["max_us"] / 1000,
            "tree_before": before, "tree_after": after}


def prepared(tmp: Path, url: str) -> tuple[dict, dict[str, str]]:
    """The webhooks of real calls, recorded on the bench menus (IOM closed today), and the
    servers' environment serving those menus."""
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    menus_dir, audio_dir = pairs.bench_menus(ROOT, tmp, today)
    recorded = pairs.record(menus_dir, audio_dir, tmp / "record")
    env = {**environment(tmp, url), "IVR_MENUS_DIR": str(menus_dir),
           "IVR_AUDIO_DIR": str(audio_dir)}
    return recorded, env


def run(args: argparse.Namespace, tmp: Path, url: str) -> dict:
    recorded, env = prepared(tmp, url)
    menus_dir = Path(env["IVR_MENUS_DIR"])
    names = args.only or list(pairs.WEBHOOKS)
    figures: dict = {"db": args.db, "load_average": os.getloadavg()[0], "webhooks": {}}
    extra = tuple(shlex.split(args.gunicorn))
    app, figures["cold_start_s"] = cold_start(env, tmp, recorded["incoming call"][0], extra)
    baseline = Server(env, tmp / "baseline.log", app_spec="loadbench.bare:app", extra=extra)
    try:
        baseline.wait_until_up("")
        print(f"cold start to the first answered webhook: {figures['cold_start_s']:.2f} s",
              flush=True)
        warm = pairs.rebase(recorded["incoming call"][0], app.base)
        pool.write_pool(tmp / "pool", [warm], TOKEN, run=pool.new_run_id(),
                        calls=int(2 * MAX_RATE), threads=args.threads)
        for server in (baseline, app):  # warm-up: every worker has answered
            wrk(server, tmp / "pool", args, 2)
        for name in names:
            hook = pairs.rebase(recorded[name][0], app.base)
            rounds = []
            for _ in range(args.rounds):
                folder = tmp / "pool"
                pool.write_pool(folder, [hook], TOKEN, run=pool.new_run_id(),
                                calls=int(args.duration * MAX_RATE), threads=args.threads)
                rounds.append((one_round(baseline, folder, args), one_round(app, folder, args)))
            figures["webhooks"][name] = {"pairs": [[b.__dict__, a.__dict__] for b, a in rounds],
                                         **pairs.summary(rounds)}
            print(line(name, rounds), flush=True)
        figures["memory_mib"] = {"app": worker_memory_mib(app),
                                 "baseline": worker_memory_mib(baseline)}
        for name, sizes in figures["memory_mib"].items():
            print(f"memory per worker, {name}: RSS {sizes['rss']} MiB, PSS {sizes['pss']} MiB",
                  flush=True)
        if args.reload_seconds and "menu choice" in names:
            limit = statistics.median(b["p99_ms"] for b, _ in
                                      figures["webhooks"]["menu choice"]["pairs"]) * 1.5
            figures["reload"] = reload_under_load(
                app, pairs.rebase(recorded["menu choice"][0], app.base), menus_dir, tmp, url,
                args, int(limit * 1000))
            r = figures["reload"]
            print(f"menu reload under load ({args.reload_seconds:g} s of menu choice; main.yaml "
                  "replaced in the folder, then a version published): "
                  f"{r['requests']} requests, {r['failed']} failed, {r['slow']} over "
                  f"{r['slow_limit_ms']:.1f} ms (1.5x the baseline's p99); p99 "
                  f"{r['p99_ms']:.1f} ms, max {r['max_ms']:.0f} ms; tree {r['tree_before']} -> "
                  f"{r['tree_after']}", flush=True)
    finally:
        figures["stop_s"] = {"app": app.stop(), "baseline": baseline.stop()}
    return figures


def line(name: str, rounds: list[tuple[Round, Round]]) -> str:
    s = pairs.summary(rounds)
    base = statistics.median(b.requests_per_s for b, _ in rounds)
    base_cpu = statistics.median(b.cpu_ms for b, _ in rounds)
    base_p99 = statistics.median(b.p99_ms for b, _ in rounds)
    return (f"{name:21s} {s['requests_per_s']:6.0f} req/s (bare {base:5.0f})  p50 "
            f"{s['p50_ms']:5.1f} ms  p99 {s['p99_ms']:6.1f} ms (bare {base_p99:5.1f})  cpu "
            f"{s['cpu_ms']:.3f} ms/req (bare {base_cpu:.3f})  x{s['throughput']:.2f} req/s  "
            f"x{s['cpu']:.2f} cpu eff.  p99 x{s['p99']:.2f}  errors {s['errors']}  "
            f"{'ok' if pairs.meets(s) else 'BELOW TARGET'}")


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # the finally blocks stop the servers


def main() -> None:
    args = options()
    signal.signal(signal.SIGTERM, _stop)
    print(f"side by side: {args.db}, {args.connections} connections, {args.rounds} rounds of "
          f"{args.duration:g} s per server and webhook, gunicorn.conf.py {args.gunicorn}; "
          f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="ivr-sbs-") as name:
        tmp = Path(name)
        with calllog.fresh_database(args.db, tmp) as url:
            figures = run(args, tmp, url)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"sidebyside-{args.db}.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
