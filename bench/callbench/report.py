"""What the benchmark prints and writes: database sizes, timing tables, the JSON figures."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from ivr.db import database

BUDGET_MS = 300.0  # issue 3: every page under 300 ms at a million calls
MIB = 1024 * 1024
WIDEST = 160  # plan lines are cut there when printed (IN lists of 50 caller hashes)


def sizes(engine: Engine) -> dict[str, Any]:
    """Return the database's size in bytes, and each table's data and index bytes."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            total = connection.exec_driver_sql(
                "SELECT pg_database_size(current_database())").scalar_one()
            rows = connection.exec_driver_sql(
                "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = current_schema()").all()
            return {"total": total, "tables": {name: {"data": data, "indexes": indexes}
                                               for name, data, indexes in rows}}
        rows = connection.exec_driver_sql(
            "SELECT s.tbl_name, s.type, sum(d.pgsize) FROM dbstat d "
            "JOIN sqlite_schema s ON s.name = d.name GROUP BY s.tbl_name, s.type").all()
    tables: dict[str, dict[str, int]] = {}
    for table, kind, size in rows:
        entry = tables.setdefault(table, {"data": 0, "indexes": 0})
        entry["data" if kind == "table" else "indexes"] += size
    path = database.sqlite_file(engine.url.render_as_string(hide_password=False))
    return {"total": path.stat().st_size if path else None, "tables": tables}


def print_load(result: Mapping[str, Any]) -> None:
    """Print the load's figures: rows, times, sizes."""
    rows, seconds, size = result["rows"], result["seconds"], result["size"]
    print(f"\nLoaded {rows['calls']:,} calls, {rows['call_events']:,} events "
          f"({rows['call_events'] / max(1, rows['calls']):.2f} per call) "
          f"in {seconds['load']:.1f} s; tallies and statistics in {seconds['finish']:.1f} s; "
          f"total {seconds['load'] + seconds['finish']:.1f} s")
    print(f"Database size: {size['total'] / MIB:,.0f} MiB")
    for name, parts in sorted(size["tables"].items(), key=lambda kv: -sum(kv[1].values())):
        if sum(parts.values()) >= MIB:
            print(f"  {name:22s} data {parts['data'] / MIB:8,.0f} MiB   "
                  f"indexes {parts['indexes'] / MIB:8,.0f} MiB")


def print_timings(title: str, rows: Sequence[Mapping[str, Any]], *, url: bool) -> None:
    """Print one table of timings (ms), marking each row over the budget."""
    print(f"\n{title}")
    print(f"  {'':56s} {'median':>8s} {'p95':>8s} {'max':>8s}")
    for row in rows:
        stats = row["stats"]
        flag = "  OVER 300 ms" if stats["p95_ms"] > BUDGET_MS else ""
        print(f"  {row['name'][:56]:56s} {stats['median_ms']:8.1f} {stats['p95_ms']:8.1f} "
              f"{stats['max_ms']:8.1f}{flag}")
        if url:
            print(f"      {row['url']}")


def print_plans(plans: Sequence[Mapping[str, Any]]) -> None:
    """Print the plan of each statement of the pages that missed (or all, when asked)."""
    for plan in plans:
        print(f"\n-- {plan['scenario']} / {plan['read']}:\n{plan['sql']}")
        for line in plan["plan"]:
            print(f"   {line if len(line) <= WIDEST else line[:WIDEST] + ' ...'}")


def write_json(path: Path, result: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
