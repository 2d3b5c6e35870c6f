"""Where a webhook's time goes: sampled under gunicorn (py-spy), and in-process (pyinstrument).

Run: .venv/bin/python bench/profile.py [--webhook "menu choice"] [--seconds 10]
     [--db sqlite|postgresql] [--in-process]

Under gunicorn (the default), the app is served as ``bench/sidebyside.py``
serves it (the Procfile's command, signatures on, the call log on), wrk
loads one webhook at 32 connections, and ``py-spy record --gil`` samples
the master and every worker: only the thread holding the GIL, so samples
are CPU spent in Python. Each sample is put in one part (the innermost
that matches): the signature check (with the form parsing it triggers),
the call log's record (redact, encode, append to the spool), the call log's
drain thread (the database), the app's own view (the answer looked up or
worked out), Flask and Werkzeug (with the app's own lane through Flask's
dispatch, ``ivr/lane.py``), gunicorn (its loop, parser, access log).
It prints each part's share and CPU per request (the server's CPU from
/proc times the share). ``--in-process`` runs the eight webhooks of a call
through Flask's test client under pyinstrument instead and prints its tree.
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadbench import calllog, pairs, pool  # noqa: E402
from bench.loadbench.server import Server  # noqa: E402
from bench.sidebyside import (  # noqa: E402
    MAX_RATE,
    TOKEN,
    _stop,
    cold_start,
    prepared,
    settled_cpu,
    wrk,
)

# (part, a piece of a frame): a sample goes to the first part one of its frames names
PARTS = [
    ("signature check (and the form parsing it needs)", "(ivr/web/signature.py"),
    ("call log: drain thread (the database)", "Drain._run"),
    ("menus watcher thread", "Menus._run"),
    ("call log: record (redact, encode, spool append)", "(ivr/calllog/"),
    ("the app's views (answers, events)", "(ivr/"),
    ("Flask, Werkzeug", "Flask.__call__"),
]
OTHER = "gunicorn (loop, HTTP parser, access log), Python"
# the app's own plumbing of Flask's dispatch (the webhooks' lane): Flask's part, not a view
PLUMBING = ("(ivr/__init__.py:", "(ivr/lane.py:")


def part_of(stack: list[str]) -> str:
    """The part a sampled stack (its frames, as py-spy writes them) belongs to."""
    stack = [frame for frame in stack if not any(mark in frame for mark in PLUMBING)]
    for name, mark in PARTS:
        if any(mark in frame for frame in stack):
            return name
    return OTHER


def shares(raw: Path) -> dict[str, float]:
    """Each part's share of the samples in py-spy's raw output (``stack count`` lines)."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[part_of(stack.split(";"))] += int(count)
    total = sum(counts.values()) or 1
    return {name: counts[name] / total for name, _ in [*PARTS, (OTHER, "")]}


def under_gunicorn(args: argparse.Namespace, tmp: Path, url: str) -> None:
    recorded, env = prepared(tmp, url)
    if args.bare:  # the baseline of bench/sidebyside.py, under the same settings
        app = Server(env, tmp / "baseline.log", app_spec="loadbench.bare:app")
        app.wait_until_up("")
    else:
        app, _ = cold_start(env, tmp, recorded["incoming call"][0])
    load = argparse.Namespace(threads=2, connections=args.connections)
    try:
        hook = pairs.rebase(recorded[args.webhook][0], app.base)
        pool.write_pool(tmp / "pool", [hook], TOKEN, run=pool.new_run_id(),
                        calls=int((args.seconds + 3) * MAX_RATE), threads=2)
        raw = tmp / "samples.txt"
        spy = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "py-spy"), "record", "--pid", str(app.process.pid),
             "--subprocesses", "--gil", "--nonblocking", "--rate", "250", "--format", "raw",
             "--duration", str(int(args.seconds)), "--output", str(raw)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cpu0 = settled_cpu(app)
        result = wrk(app, tmp / "pool", load, args.seconds + 1)
        cpu_ms = (settled_cpu(app) - cpu0) * 1000 / max(1, result["requests"])
        if spy.wait() != 0 or not raw.exists():
            raise SystemExit("py-spy failed (it needs ptrace: run as root or allow it):\n"
                             + spy.stderr.read().decode(errors="replace"))
    finally:
        app.stop()
    rate = result["requests"] / (result["duration_us"] / 1e6)
    served = "the bare Flask app" if args.bare else args.webhook
    print(f"{served}: {rate:.0f} req/s under py-spy, server CPU {cpu_ms:.3f} ms per "
          f"request (the call log's drain included); samples holding the GIL:")
    for name, share in shares(raw).items():
        print(f"  {name:50s} {share * 100:5.1f} %  {share * cpu_ms * 1000:6.0f} us/request")
    if args.keep:
        Path(args.keep).write_bytes(raw.read_bytes())
        print(f"py-spy's samples kept in {args.keep}")


def in_process(args: argparse.Namespace, tmp: Path) -> None:
    from pyinstrument import Profiler

    import ivr
    from ivr.web import simulator

    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    menus_dir, audio_dir = pairs.bench_menus(ROOT, tmp, today)
    recorded = pairs.record(menus_dir, audio_dir, tmp / "record")
    app = ivr.create_app({"TESTING": True, "INSTANCE_PATH": str(tmp / "app"),
                          "DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}",
                          "IVR_MENUS_DIR": str(menus_dir), "IVR_AUDIO_DIR": str(audio_dir),
                          "TWILIO_AUTH_TOKEN": TOKEN, "IVR_ALLOW_UNSIGNED": False})
    client = app.test_client()
    hooks = [hook for hook, _ in recorded.values()]
    run = pool.new_run_id()  # CallSids the app takes (CA and 32 hex digits)

    def send(n: int) -> None:
        for hook in hooks:
            form = {**hook.form, "CallSid": pool.call_sid(run, n)}
            response = client.post(hook.url, data=form, base_url=simulator.BASE.rstrip("/"),
                                   headers=simulator.sign(TOKEN, hook.url, form))
            assert response.status_code == 200, (hook.url, response.status_code)

    for n in range(50):
        send(n)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for n in range(args.requests // len(hooks)):
        send(1000 + n)
    profiler.stop()
    app.extensions["calllog"].close()
    print(profiler.output_text(unicode=False, color=False, show_all=args.all))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhook", choices=list(pairs.WEBHOOKS), default="menu choice")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--requests", type=int, default=4000, help="in-process: requests")
    parser.add_argument("--all", action="store_true", help="in-process: every frame")
    parser.add_argument("--bare", action="store_true", help="under gunicorn: profile the "
                        "baseline (a bare Flask app) the same way, with the same requests")
    parser.add_argument("--keep", metavar="FILE", help="under gunicorn: keep py-spy's raw "
                        "samples (stack count lines) in FILE")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="ivr-profile-") as name:
        tmp = Path(name)
        if args.in_process:
            in_process(args, tmp)
            return
        with calllog.fresh_database(args.db, tmp) as url:
            under_gunicorn(args, tmp, url)


if __name__ == "__main__":
    main()
