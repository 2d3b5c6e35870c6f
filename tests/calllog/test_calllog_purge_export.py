"""Retention (purge) and exports (CSV, JSON), through the store and through the CLI."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from ivr.call.events import Kind
from ivr.calllog import store, tally
from ivr.calllog.export import defuse, export_csv, export_json
from ivr.calllog.listing import CallFilter
from ivr.calllog.privacy import CallerPrivacy, caller_hash
from ivr.calllog.schema import TALLIES, call_events, calls

from .calllog_support import KEY

PRIVACY = CallerPrivacy.from_settings(KEY, False)
HASH = caller_hash("+819012345678", KEY.encode())


def write(engine, *scripts) -> None:
    with engine.begin() as connection:
        store.write_events(connection, [PRIVACY.redact(e) for s in scripts for e in s.events])


def counts(engine) -> tuple[int, int, int]:
    """Return (calls, events, calls in the outcome tally)."""
    with engine.connect() as connection:
        found = [connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                 for t in (calls, call_events)]
        tallied = connection.execute(sa.select(sa.func.coalesce(
            sa.func.sum(TALLIES[0].c.calls), 0))).scalar_one()
    return found[0], found[1], tallied


@pytest.mark.parametrize("batch_size", [1000, 2])
def test_purge_deletes_old_calls_with_their_events(engine, script, batch_size) -> None:
    old = [script(f"CA{n}", datetime(2025, 6, 1 + n, tzinfo=UTC)).started().connected()
           for n in range(3)]
    new = [script(f"CB{n}", datetime(2026, 1, 1 + n, tzinfo=UTC)).started() for n in range(2)]
    write(engine, *old, *new)
    assert counts(engine) == (5, 32, 5)
    assert store.purge(engine, datetime(2025, 12, 1, tzinfo=UTC), batch_size=batch_size) == 3
    assert counts(engine) == (2, 2, 2)
    with engine.connect() as connection:
        assert [store.get_call(connection, s.call_sid) is None for s in (*old, *new)] == [
            True, True, True, False, False]
        live = {t.name: sorted(connection.execute(sa.select(t))) for t in TALLIES}
    with engine.begin() as connection:
        tally.recount(connection)
    with engine.connect() as connection:
        assert {t.name: sorted(connection.execute(sa.select(t))) for t in TALLIES} == live
    assert store.purge(engine, datetime(2025, 12, 1, tzinfo=UTC)) == 0


def test_retention_cutoff() -> None:
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert store.retention_cutoff(now, 180) == datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def test_purge_command(app, engine, script) -> None:
    now = datetime.now(UTC)
    write(engine, script("CA-old", now - timedelta(days=200)).started(),
          script("CA-new", now - timedelta(days=10)).started())
    runner = app.test_cli_runner()
    line = r"Deleted {} that started before \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 " \
           r"\(older than {} days\)\.\n"
    result = runner.invoke(args=["calls", "purge"])
    assert result.exit_code == 0
    assert re.fullmatch(line.format("1 call", 180), result.output)
    again = runner.invoke(args=["calls", "purge"])
    assert re.fullmatch(line.format("0 calls", 180), again.output)
    short = runner.invoke(args=["calls", "purge", "--days", "5"])
    assert re.fullmatch(line.format("1 call", 5), short.output)
    assert counts(engine) == (0, 0, 0)


def test_purge_command_refuses_zero_days(app) -> None:
    result = app.test_cli_runner().invoke(args=["calls", "purge", "--days", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--days': 0 is not in the range x>=1." in result.output


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+2", "'=1+2"), ("+81 90-****-**78", "'+81 90-****-**78"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("main", "main"), ("2026-01-05T01:00:00+00:00", "2026-01-05T01:00:00+00:00"), ("", ""),
    ("a=b", "a=b"),
])
def test_defuse(cell, safe) -> None:
    assert defuse(cell) == safe


@pytest.fixture
def exported(engine, script):
    one = script("CA1").started().connected("en", "police")
    one.status("completed", "95")
    two = script("CA2", datetime(2026, 1, 5, 15, 30, tzinfo=UTC)).started("anonymous")
    two.add(Kind.SERVICE_CHOSEN, service="=HYPERLINK(\"x\")", menu="main")
    two.add(Kind.CLOSED, seq=1, service="=HYPERLINK(\"x\")", reason="night", next_open=None)
    three = script("CA3", datetime(2026, 1, 7, 1, 0, tzinfo=UTC)).started()
    write(engine, one, two, three)
    return engine


CSV = (
    "call_sid,hotline,started_at,started_at_japan,ended_at,ended_at_japan,duration,status,"
    "language,caller_hash,caller_masked,caller_number,outcome,outcome_menu,service,"
    "hit_closed,event_count\r\n"
    "CA1,main,2026-01-05T01:00:00+00:00,2026-01-05T10:00:00+09:00,2026-01-05T01:00:06+00:00,"
    f"2026-01-05T10:00:06+09:00,95,completed,en,{HASH},'+81 90-****-**78,,connected,,police,"
    "false,11\r\n"
    "CA2,main,2026-01-05T15:30:00+00:00,2026-01-06T00:30:00+09:00,,,,,,,anonymous,,closed,,"
    "\"'=HYPERLINK(\"\"x\"\")\",true,3\r\n"
)


def test_export_csv(exported) -> None:
    out = io.StringIO()
    with exported.connect() as connection:
        assert export_csv(connection, CallFilter(date_from=date(2026, 1, 5),
                                                 date_to=date(2026, 1, 6)), out) == 2
    assert out.getvalue() == CSV


def test_export_json(exported) -> None:
    out = io.StringIO()
    with exported.connect() as connection:
        assert export_json(connection, CallFilter(date_from=date(2026, 1, 6)), out) == 2
    text = out.getvalue()
    assert (text.startswith("[\n{"), text.endswith("}\n]\n"), text.count("\n")) == (
        True, True, 4)
    second, third = json.loads(text)
    assert second == {
        "call_sid": "CA2", "hotline": "main",
        "started_at": "2026-01-05T15:30:00+00:00", "started_at_japan": "2026-01-06T00:30:00+09:00",
        "ended_at": None, "ended_at_japan": None, "duration": None, "status": None,
        "language": None, "caller_hash": None, "caller_masked": "anonymous",
        "caller_number": None, "outcome": "closed", "outcome_menu": None,
        "service": "=HYPERLINK(\"x\")", "hit_closed": True, "event_count": 3,
        "events": [
            {"at": "2026-01-05T15:30:00+00:00", "at_japan": "2026-01-06T00:30:00+09:00",
             "kind": "call_started", "data": {"to": "+815017654321", "hotline": "main",
                                              "caller_hash": None,
                                              "caller_masked": "anonymous"}},
            {"at": "2026-01-05T15:30:01+00:00", "at_japan": "2026-01-06T00:30:01+09:00",
             "kind": "service_chosen", "data": {"service": "=HYPERLINK(\"x\")", "menu": "main"}},
            {"at": "2026-01-05T15:30:01+00:00", "at_japan": "2026-01-06T00:30:01+09:00",
             "kind": "closed", "data": {"service": "=HYPERLINK(\"x\")", "reason": "night",
                                        "next_open": None}},
        ],
    }
    assert (third["call_sid"], [e["kind"] for e in third["events"]]) == ("CA3", ["call_started"])


def test_export_json_of_nothing(engine) -> None:
    out = io.StringIO()
    with engine.connect() as connection:
        assert export_json(connection, CallFilter(), out) == 0
    assert json.loads(out.getvalue()) == []


def test_export_command_csv(app, exported, tmp_path) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calls", "export", "--from", "2026-01-05", "--to", "2026-01-06"])
    assert (result.exit_code, result.stdout_bytes, result.stderr) == (
        0, CSV.encode(), "Exported 2 calls.\n")
    target = tmp_path / "calls.csv"
    result = runner.invoke(args=["calls", "export", "--from", "2026-01-05", "--to", "2026-01-06",
                                 "--format", "csv", "--output", str(target)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert target.read_bytes() == CSV.encode()


def test_export_command_json(app, exported) -> None:
    result = app.test_cli_runner().invoke(args=["calls", "export", "--format", "json",
                                                "--to", "2026-01-05"])
    assert (result.exit_code, result.stderr) == (0, "Exported 1 call.\n")
    assert [c["call_sid"] for c in json.loads(result.stdout)] == ["CA1"]


def test_export_command_checks_dates(app) -> None:
    result = app.test_cli_runner().invoke(args=["calls", "export", "--from", "2026-13-01"])
    assert result.exit_code == 2
    assert "Invalid value for '--from': '2026-13-01' does not match the format '%Y-%m-%d'." \
        in result.stderr


def test_recount_command(app, exported) -> None:
    before = counts(exported)
    with exported.begin() as connection:
        connection.execute(TALLIES[0].delete())
    assert counts(exported)[2] == 0
    result = app.test_cli_runner().invoke(args=["calls", "recount"])
    assert (result.exit_code, result.output) == (
        0, "Dashboard tallies rebuilt from the call records.\n")
    assert counts(exported) == before == (3, 15, 3)
