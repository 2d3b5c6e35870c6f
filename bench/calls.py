"""The call log at scale: a year of synthetic calls, then the staff pages timed on it (issue 3).

Run: .venv/bin/python bench/calls.py --db sqlite|postgresql [--calls 1000000] [--url URL]
     [--keep] [--reuse] [--runs 20] [--explain]

Loads ``--calls`` synthetic calls (about 6.6 events each; ``bench/callbench``)
into a scratch database - a SQLite file in bench-results/, or a PostgreSQL
database ``bench_calls`` created on the local server - or into ``--url``
(which must hold no calls), and prints the load time and size. Then it times,
warm, each staff page through the app's test client as a logged-in admin,
and each store read those pages make, on its own: median, 95th percentile
and maximum in ms. Pages over 300 ms get their SQL and its plan printed
(``--explain``: every page's). The figures also go to
bench-results/calls-<db>.json. The scratch database is dropped at the end
unless ``--keep``; ``--reuse`` times a kept one again without loading.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import sqlite3
import sys
import tempfile
import time as clock
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine, make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ivr  # noqa: E402
from bench.callbench import cases, loading, report, synthetic, timing  # noqa: E402
from bench.callbench.cases import Scenario  # noqa: E402
from ivr.calllog.outcome import JAPAN  # noqa: E402
from ivr.calllog.schema import calls  # noqa: E402
from ivr.db import database  # noqa: E402
from ivr.staff import accounts  # noqa: E402

LAST_DAY = date(2026, 10, 31)  # the synthetic year ends on this Japan day
DAYS = 365
NOW = datetime.combine(LAST_DAY, time(18, 0), JAPAN)  # the app's clock: that evening
RESULTS = ROOT / "bench-results"
SQLITE_FILE = RESULTS / "calls-bench.sqlite3"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_calls"
ADMIN = "bench-admin"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--url", help="load into this database (it must hold no calls)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true",
                        help="time a database kept by an earlier run, without loading")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each measurement")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="processes making the synthetic calls (default: cores - 1)")
    parser.add_argument("--explain", action="store_true", help="print every page's plans")
    return parser.parse_args(argv)


@contextmanager
def scratch_database(args: argparse.Namespace) -> Iterator[str]:
    """Yield the URL to load into: ``--url`` as it is, else a scratch database made here."""
    if args.url:
        yield args.url
        return
    if args.db == "sqlite":
        if not args.reuse:
            _remove_sqlite(SQLITE_FILE)
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        try:
            yield f"sqlite:///{SQLITE_FILE}"
        finally:
            if not args.keep:
                _remove_sqlite(SQLITE_FILE)
        return
    name = make_url(POSTGRES_URL).database
    if not args.reuse:
        _server_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    try:
        yield POSTGRES_URL
    finally:
        if not args.keep:
            _server_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".migrate-lock"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _server_sql(*statements: str) -> None:
    """Run statements on the PostgreSQL server itself (its ``postgres`` database)."""
    engine = sa.create_engine(make_url(POSTGRES_URL).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def calls_in(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(calls)).scalar_one()


def load_calls(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    """Load the synthetic year; return its row counts, seconds and sizes."""
    synthetic.check_redaction()
    tasks = loading.plan(args.calls, LAST_DAY, DAYS, args.seed, engine.dialect.name)
    print(f"Loading {args.calls:,} calls over {DAYS} days up to {LAST_DAY} "
          f"({args.workers} worker process(es) making them)...", flush=True)
    start = clock.perf_counter()
    loading.load(engine, tasks, args.workers)
    loaded = clock.perf_counter()
    loading.finish(engine)
    finished = clock.perf_counter()
    return {"rows": loading.counts(engine), "size": report.sizes(engine),
            "seconds": {"load": round(loaded - start, 1), "finish": round(finished - loaded, 1)}}


def staff_app(url: str, instance: str) -> Flask:
    """Return the hotline app on the loaded log, its clock on the evening of the last day."""
    app = ivr.create_app({
        "TESTING": True, "INSTANCE_PATH": instance, "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16), "IVR_MENUS_DIR": str(ROOT / "menus"),
        "IVR_AUDIO_DIR": str(ROOT / "audio"), "IVR_CALLER_HASH_KEY": synthetic.HASH_KEY.decode(),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),  # (no calls come in; quiets a warning)
    })
    app.extensions["ivr.clock"] = lambda: NOW.astimezone(UTC)
    return app


def logged_in(app: Flask) -> FlaskClient:
    """Return a test client logged in (through the login form) as a new admin."""
    password = secrets.token_urlsafe(18)
    with app.extensions["calllog"].engine.begin() as connection:
        accounts.ensure(connection, ADMIN, password, "admin", app.extensions["ivr.staff"].hasher,
                        NOW.astimezone(UTC))
    client = app.test_client()
    found = TOKEN.search(client.get("/staff/login").get_data(as_text=True))
    assert found, "no CSRF token on the login page"
    response = client.post("/staff/login", data={"csrf_token": found.group(1),
                                                 "username": ADMIN, "password": password})
    assert response.status_code == 302, f"login failed: {response.status_code}"
    return client


def retire_admin(app: Flask) -> None:
    """Disable the benchmark's admin (its password is gone) in a database that is kept."""
    with app.extensions["calllog"].engine.begin() as connection:
        accounts.set_disabled(connection, ADMIN, True)


def time_pages(client: FlaskClient, scenarios: Sequence[Scenario],
               runs: int) -> list[dict[str, Any]]:
    """Time each scenario's page through the app (HTML, figures and all)."""
    found = []
    for scenario in scenarios:
        response = client.get(scenario.url)
        assert response.status_code == 200, f"{scenario.url}: {response.status_code}"
        stats = timing.measure(lambda url=scenario.url: client.get(url).close(), runs)
        found.append({"key": scenario.key, "name": scenario.title, "url": scenario.url,
                      "bytes": len(response.get_data()), "stats": stats.as_json()})
    return found


def time_reads(engine: Engine, scenarios: Sequence[Scenario],
               runs: int) -> list[dict[str, Any]]:
    """Time each store read of each scenario on its own, then all of a page's reads together."""
    found = []
    with engine.connect() as connection:
        for scenario in scenarios:
            for name, read in scenario.reads:
                stats = timing.measure(lambda read=read: read(connection), runs)
                found.append({"scenario": scenario.key, "name": f"{scenario.key}: {name}",
                              "stats": stats.as_json()})
            every = [read for _, read in scenario.reads]
            stats = timing.measure(lambda every=every: [read(connection) for read in every], runs)
            found.append({"scenario": scenario.key, "name": f"{scenario.key}: (all its reads)",
                          "stats": stats.as_json()})
            connection.rollback()
    return found


def plans_of(engine: Engine, scenarios: Sequence[Scenario]) -> list[dict[str, Any]]:
    """Return the SQL each scenario's reads send, with the database's plan of each."""
    found = []
    with engine.connect() as connection:
        for scenario in scenarios:
            for name, read in scenario.reads:
                with timing.statements(engine) as sent:
                    read(connection)
                found += [{"scenario": scenario.key, "read": name, "sql": sql,
                           "plan": timing.explain(connection, sql, parameters)}
                          for sql, parameters in sent]
            connection.rollback()
    return found


def machine(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        server = connection.exec_driver_sql(
            "SELECT version()" if engine.dialect.name == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()").scalar_one()
    return {"cores": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "database": server,
            "python_sqlite": sqlite3.sqlite_version}


def prepared(engine: Engine, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, then load the calls (or take those there with --reuse); return the load."""
    database.upgrade(engine)
    if args.reuse:
        return {"rows": loading.counts(engine), "size": report.sizes(engine), "seconds": None}
    present = calls_in(engine)
    if present:
        raise SystemExit(f"{make_url(url)!r} already holds {present:,} calls: "
                         "give an empty database, or --reuse to time it as it is")
    loaded = load_calls(engine, args)
    report.print_load(loaded)
    return loaded


def timed(engine: Engine, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Time every scenario's page through the app, then its store reads."""
    with tempfile.TemporaryDirectory() as instance:
        app = staff_app(url, instance)
        client = logged_in(app)
        with engine.connect() as connection:
            scenarios = cases.scenarios(connection, LAST_DAY)
        pages = time_pages(client, scenarios, args.runs)
        reads = time_reads(engine, scenarios, args.runs)
        if args.keep or args.url:
            retire_admin(app)
        app.extensions["calllog"].close()
    misses = [page["key"] for page in pages if page["stats"]["p95_ms"] > report.BUDGET_MS]
    explained = [s for s in scenarios if args.explain or s.key in misses]
    return {"pages": pages, "reads": reads, "misses": misses,
            "plans": plans_of(engine, explained)}


def run(engine: Engine, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Load (unless reusing), then time every scenario; return the figures."""
    loaded = prepared(engine, url, args)
    return {"benchmark": "bench/calls.py", "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(engine), "database": args.db, "calls": loaded["rows"]["calls"],
            "seed": args.seed, "days": DAYS, "last_day": LAST_DAY.isoformat(),
            "runs": args.runs, "warmup": 3, "budget_ms": report.BUDGET_MS, "load": loaded,
            **timed(engine, url, args)}


def print_result(result: dict[str, Any]) -> None:
    machine_, runs = result["machine"], result["runs"]
    print(f"\n{machine_['database'].split(' on ')[0]}, {machine_['cores']} cores, "
          f"{result['calls']:,} calls; {runs} warm runs each")
    report.print_timings("Pages, through the app (ms)", result["pages"], url=True)
    report.print_timings("Store reads under them, on their own (ms)", result["reads"], url=False)
    report.print_plans(result["plans"])
    print(f"\nMissed the {report.BUDGET_MS:.0f} ms budget: {', '.join(result['misses']) or 'none'}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with scratch_database(args) as url:
        engine = database.create_engine(url)
        try:
            result = run(engine, url, args)
        finally:
            engine.dispose()
    print_result(result)
    path = RESULTS / f"calls-{args.db}.json"
    report.write_json(path, result)
    print(f"Figures written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
