"""The CSV export of the filtered calls list: admins only, streamed, byte for byte, defused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from calllog.calllog_support import Script
from conftest import jst

from ivr.call.events import Kind
from ivr.calllog.export import export_csv
from ivr.calllog.listing import CallFilter
from ivr.calllog.privacy import caller_hash
from ivr.staff.admin import file_name

from .staff_support import A, B, engine, write

HEADER = ("call_sid,hotline,started_at,started_at_japan,ended_at,ended_at_japan,duration,status,"
          "language,caller_hash,caller_masked,caller_number,outcome,outcome_menu,service,"
          "hit_closed,event_count\r\n")


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: the SQL behind these pages is the call log's, tested on both databases."""
    return f"sqlite:///{tmp_path / 'staff.sqlite3'}"


@pytest.fixture
def hostile(app):
    """A call whose logged service id is a spreadsheet formula."""
    call = Script("CA9", jst("2026-11-22 08:30")).started("anonymous")
    call.add(Kind.LANGUAGE_CHOSEN, language="@SUM(A1)")
    call.add(Kind.SERVICE_CHOSEN, service="=HYPERLINK(\"http://x\",\"y\")", menu="main")
    call.add(Kind.CLOSED, seq=1, service="=HYPERLINK(\"http://x\",\"y\")", reason="night",
             next_open=None)
    write(app, call)
    return app


def test_the_csv_of_a_filter(logged, hostile, admin_client) -> None:
    response = admin_client.get("/staff/calls.csv?from=2026-11-21&to=2026-11-22&sort=oldest")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="calls-2026-11-21-to-2026-11-22.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    a_hash, b_hash = (caller_hash(number, b"test-key") for number in (A, B))
    assert response.data == (
        HEADER
        + "CA2,main,2026-11-21T03:45:00+00:00,2026-11-21T12:45:00+09:00,,,,,tl,"
          f"{b_hash},'+81 80-****-**22,,closed,,iom,true,8\r\n"
        + "CA9,main,2026-11-21T23:30:00+00:00,2026-11-22T08:30:00+09:00,,,,,'@SUM(A1),,"
          "anonymous,,closed,,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",true,4\r\n"
        + "CA3,main,2026-11-22T00:00:00+00:00,2026-11-22T09:00:00+09:00,"
          "2026-11-22T00:00:02+00:00,2026-11-22T09:00:02+09:00,,,,"
          f"{a_hash},'+81 90-****-**78,,no_input,language,,false,4\r\n"
    ).encode()


def test_the_csv_is_what_the_call_log_exports(logged, hostile, app, admin_client) -> None:
    out = io.StringIO(newline="")
    with engine(app).connect() as connection:
        count = export_csv(connection, CallFilter(language="en"), out)
    streamed = admin_client.get("/staff/calls.csv?language=en").get_data(as_text=True)
    assert count == 2
    assert streamed == out.getvalue()
    everything = io.StringIO(newline="")
    with engine(app).connect() as connection:
        export_csv(connection, CallFilter(), everything)
    assert admin_client.get("/staff/calls.csv").get_data(as_text=True) == everything.getvalue()


def test_an_empty_csv_has_its_header(admin_client) -> None:
    response = admin_client.get("/staff/calls.csv?hotline=kansai")
    assert response.data == HEADER.encode()
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="calls-until-2026-11-24.csv"'


def test_a_bad_filter_is_a_400(admin_client) -> None:
    response = admin_client.get("/staff/calls.csv?outcome=lost")
    assert response.status_code == 400
    assert "Outcome: &#39;lost&#39; is not an outcome." in response.get_data(as_text=True)


def test_the_export_link_keeps_the_filter(logged, admin_client) -> None:
    page = admin_client.get("/staff/calls?language=en&sort=oldest").get_data(as_text=True)
    assert '<a id="export-csv" href="/staff/calls.csv?language=en&amp;sort=oldest">' in page


@pytest.mark.parametrize(("where", "name"), [
    (CallFilter(), "calls-until-2026-11-24.csv"),
    (CallFilter(date_to=date(2026, 6, 30)), "calls-until-2026-06-30.csv"),
    (CallFilter(date_from=date(2026, 6, 1)), "calls-2026-06-01-to-2026-11-24.csv"),
    (CallFilter(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)),
     "calls-2026-06-01-to-2026-06-30.csv"),
])
def test_file_names(where, name) -> None:
    assert file_name(where, date(2026, 11, 24)) == name
