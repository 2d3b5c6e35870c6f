"""The audit log page (admins, read only) and the account changes it records.

Every change made through the pages and the staff CLI shows up exactly once,
newest first, with who, what, when (Japan time), target and details; pages
of 50; no route of the page writes anything.
"""

from __future__ import annotations

import io
import wave
from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import jst

from ivr.menustore import audit
from ivr.menustore.schema import audit_log

from .page import by_id, parse, texts
from .staff_support import PASSWORD, add_user, engine, log_in, post, text, token


def wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1), audio.setsampwidth(2), audio.setframerate(8000)
        audio.writeframes(b"\0\0" * int(seconds * 8000))
    return out.getvalue()


def rows(client, query: str = "") -> list[list[str]]:
    page = parse(text(client.get("/staff/admin/audit" + query)))
    return [texts(row, "td") for row in page.iterfind(".//table[@id='audit-table']/tbody/tr")]


def entry_count(app) -> int:
    with engine(app).connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar()


def test_the_page_lists_exactly_the_changes_made(app, admin_client, clock):
    add_user(app, "victor", "viewer")
    clock.now = jst("2026-11-24 10:15")
    admin_client.post("/staff/notices", data={
        "csrf_token": token(admin_client, "/staff/notices"), "service": "iom",
        "effect": "closed", "until": "at", "end": "2026-11-24T15:00", "note": "IOM phoned",
        "reason-en": "moving", "reason-ja": "移転", "reason-tl": "lilipat"})
    clock.now = jst("2026-11-24 10:20")
    admin_client.post("/staff/notices/1/withdraw",
                      data={"csrf_token": token(admin_client, "/staff/notices")})
    clock.now = jst("2026-11-24 10:25")
    admin_client.post("/staff/recordings", content_type="multipart/form-data", data={
        "csrf_token": token(admin_client, "/staff/recordings"), "lang": "en",
        "prompt": "goodbye", "file": (io.BytesIO(wav()), "bye.wav")})
    clock.now = jst("2026-11-24 10:30")
    post(admin_client, "/staff/recordings/en/goodbye/delete", "/staff/recordings")
    clock.now = jst("2026-11-24 10:35")
    post(admin_client, "/staff/admin/users/victor/disable", "/staff/admin/users")
    clock.now = jst("2026-11-24 10:40")
    post(admin_client, "/staff/admin/users/victor/enable", "/staff/admin/users")
    assert rows(admin_client) == [
        ["2026-11-24 10:40:00", "alice", "Account enabled account.enable", "account victor",
         "-"],
        ["2026-11-24 10:35:00", "alice", "Account disabled account.disable", "account victor",
         "-"],
        ["2026-11-24 10:30:00", "alice", "Recording deleted recording.delete", "en/goodbye",
         "-"],
        ["2026-11-24 10:25:00", "alice", "Recording uploaded recording.upload", "en/goodbye",
         "bytes 16044 replaced no seconds 1.0 type .wav"],
        ["2026-11-24 10:20:00", "alice", "Notice withdrawn notice.withdraw", "notice 1", "-"],
        ["2026-11-24 10:15:00", "alice", "Notice created notice.create", "notice 1",
         "end 2026-11-24 15:00 JST note IOM phoned open no services iom start 2026-11-24 "
         "10:15 JST"],
    ]


def test_a_refused_account_change_writes_nothing(app, admin_client):
    post(admin_client, "/staff/admin/users/alice/disable", "/staff/admin/users")  # herself
    post(admin_client, "/staff/admin/users/nobody/disable", "/staff/admin/users")
    assert entry_count(app) == 0


def test_pages_of_fifty_newest_first(app, admin_client, clock):
    with engine(app).begin() as connection:
        for n in range(1, 121):
            audit.record(connection, "cli", "import", f"version {n}",
                         clock() + timedelta(minutes=n))
    first = rows(admin_client)
    assert [row[3] for row in first] == [f"version {n}" for n in range(120, 70, -1)]
    page = parse(text(admin_client.get("/staff/admin/audit")))
    assert page.find(".//a[@id='audit-newer']") is None
    assert by_id(page, "audit-older").get("href") == "/staff/admin/audit?before=71"
    second = parse(text(admin_client.get("/staff/admin/audit?before=71")))
    assert [r[3] for r in rows(admin_client, "?before=71")] == [
        f"version {n}" for n in range(70, 20, -1)]
    assert by_id(second, "audit-newer").get("href") == "/staff/admin/audit?after=70"
    assert by_id(second, "audit-older").get("href") == "/staff/admin/audit?before=21"
    last = parse(text(admin_client.get("/staff/admin/audit?before=21")))
    assert last.find(".//a[@id='audit-older']") is None
    assert [r[3] for r in rows(admin_client, "?after=20")] == [
        f"version {n}" for n in range(70, 20, -1)]
    assert [r[3] for r in rows(admin_client, "?after=70")] == [r[3] for r in first]
    assert rows(admin_client, "?before=x")[0][3] == "version 120"


def test_admins_only_and_nothing_on_the_page_writes(app, viewer_client, admin_client):
    assert viewer_client.get("/staff/admin/audit").status_code == 403
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("staff_audit.")]
    assert [rule.rule for rule in rules] == ["/staff/admin/audit"]
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)
    with engine(app).begin() as connection:
        audit.record(connection, "alice", "publish", "version 2", jst("2026-11-24 10:00"))
    for method in ("post", "put", "delete", "patch"):
        response = getattr(admin_client, method)(
            "/staff/admin/audit", data={"csrf_token": token(admin_client, "/staff/admin/audit")})
        assert response.status_code == 405, method
    page = parse(text(admin_client.get("/staff/admin/audit")))
    forms = [form.get("action") for form in page.iterfind(".//form")]
    assert forms == ["/staff/logout"]
    assert entry_count(app) == 1


@pytest.mark.parametrize(("args", "action", "target", "detail"), [
    (["create", "bob", "--role", "viewer", "--password-stdin"], "account.create",
     "account bob", {"role": "viewer"}),
    (["disable", "carol"], "account.disable", "account carol", {}),
    (["enable", "carol"], "account.enable", "account carol", {}),
    (["set-password", "carol", "--password-stdin"], "account.password", "account carol", {}),
    (["set-role", "carol", "--role", "admin"], "account.role", "account carol",
     {"role": "admin"}),
])
def test_the_staff_commands_are_audited(app, clock, args, action, target, detail):
    add_user(app, "carol", "viewer")
    result = app.test_cli_runner().invoke(args=["staff", *args], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with engine(app).connect() as connection:
        assert [(e.actor, e.action, e.target, e.detail, e.at)
                for e in audit.entries(connection)] == [
            ("command line", action, target, detail, clock())]


def test_a_refused_command_is_not_audited(app):
    result = app.test_cli_runner().invoke(args=["staff", "disable", "nobody"])
    assert result.exit_code == 1
    assert entry_count(app) == 0


def test_dev_admin_is_audited(staff_app, clock):
    app = staff_app(IVR_DEV=True)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["staff", "dev-admin"]).exit_code == 0
    assert runner.invoke(args=["staff", "dev-admin"]).exit_code == 0
    with engine(app).connect() as connection:
        assert [(e.actor, e.action, e.target, e.detail)
                for e in reversed(audit.entries(connection))] == [
            ("command line", "account.create", "account dev-admin", {"role": "admin"}),
            ("command line", "account.password", "account dev-admin", {"role": "admin"})]


def test_a_login_writes_no_entry(app):
    add_user(app, "victor", "viewer")
    assert log_in(app.test_client(), "victor", PASSWORD).status_code == 302
    assert entry_count(app) == 0
