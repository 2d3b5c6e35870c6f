"""``flask --app ivr staff ...``: accounts made, changed and listed from the command line."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ivr.staff.schema import login_failures

from .staff_support import PASSWORD, add_user, engine, log_in, user

PROMPTS = "Password: \nRepeat for confirmation: \n"


def run(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=["staff", *args], input=input)


def test_create_asks_for_the_password_twice(app) -> None:
    result = run(app, "create", "Alice", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0
    assert result.output == PROMPTS + "Created admin alice.\n"
    created = user(app, "alice")
    assert (created.role, created.disabled) == ("admin", False)
    assert created.password_hash.startswith("$argon2id$")
    assert log_in(app.test_client(), "alice", PASSWORD).status_code == 302


def test_create_reads_the_password_from_standard_input(app) -> None:
    result = run(app, "create", "bob", "--role", "viewer", "--password-stdin",
                 input=f"{PASSWORD}\n")
    assert (result.exit_code, result.output) == (0, "Created viewer bob.\n")
    assert log_in(app.test_client(), "bob", PASSWORD).status_code == 302


def test_create_asks_again_when_the_two_differ(app) -> None:
    result = run(app, "create", "bob", "--role", "viewer",
                 input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0
    assert result.output == (PROMPTS + "Error: The two entered values do not match.\n"
                             + PROMPTS + "Created viewer bob.\n")


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["create", "bob", "--role", "viewer", "--password-stdin"], "too short\n",
     "Error: The password must have at least 12 characters.\n"),
    (["create", "alice", "--role", "viewer", "--password-stdin"], f"{PASSWORD}\n",
     "Error: There is already an account named alice.\n"),
    (["create", "bad name", "--role", "viewer", "--password-stdin"], f"{PASSWORD}\n",
     "Error: 'bad name' is not a valid username: use 1 to 64 lower-case letters, digits, "
     "dots, dashes or underscores, starting with a letter or digit.\n"),
    (["disable", "nobody"], None, "Error: There is no account named nobody.\n"),
    (["unlock", "nobody"], None, "Error: There is no account named nobody.\n"),
    (["enable", "nobody"], None, "Error: There is no account named nobody.\n"),
    (["set-password", "nobody", "--password-stdin"], f"{PASSWORD}\n",
     "Error: There is no account named nobody.\n"),
])
def test_refusals_are_one_line_and_exit_1(app, args, stdin, message) -> None:
    add_user(app, "alice", "admin")
    result = run(app, *args, input=stdin)
    assert (result.exit_code, result.output) == (1, message)


def test_there_is_no_default_role_or_password(app) -> None:
    result = run(app, "create", "bob")
    assert result.exit_code == 2
    assert "Missing option '--role'" in result.output
    assert user(app, "bob") is None


def test_disable_and_enable(app) -> None:
    add_user(app, "alice", "admin")
    client = app.test_client()
    log_in(client, "alice", PASSWORD)
    disabled = run(app, "disable", "alice")
    assert (disabled.exit_code, disabled.output) == (
        0, "Disabled alice: their sessions have ended.\n")
    assert client.get("/staff").status_code == 302
    assert log_in(client, "alice", PASSWORD).status_code == 200
    enabled = run(app, "enable", "ALICE")
    assert (enabled.exit_code, enabled.output) == (0, "Enabled alice.\n")
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_set_password_ends_sessions(app) -> None:
    add_user(app, "alice", "admin")
    client = app.test_client()
    log_in(client, "alice", PASSWORD)
    result = run(app, "set-password", "alice", input="a brand new password\n" * 2)
    assert result.output == PROMPTS + "New password set for alice: their sessions have ended.\n"
    assert client.get("/staff").status_code == 302
    assert log_in(client, "alice", PASSWORD).status_code == 200
    assert log_in(client, "alice", "a brand new password").status_code == 302


def test_set_role(app) -> None:
    add_user(app, "victor", "viewer")
    client = app.test_client()
    log_in(client, "victor", PASSWORD)
    assert client.get("/staff/admin/users").status_code == 403
    result = run(app, "set-role", "victor", "--role", "admin")
    assert (result.exit_code, result.output) == (
        0, "victor is now an admin: their sessions have ended.\n")
    assert client.get("/staff/admin/users").status_code == 302
    assert log_in(client, "victor", PASSWORD).status_code == 302
    assert client.get("/staff/admin/users").status_code == 200


def test_unlock_clears_the_account_failures_from_every_address(app) -> None:
    add_user(app, "alice", "admin")
    here, there = app.test_client(), app.test_client()
    there.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    for client in (here, here, here, here, there):
        log_in(client, "alice", "wrong password!")
    log_in(here, "bob", "wrong password!")
    assert log_in(here, "alice", PASSWORD).status_code == 429
    result = run(app, "unlock", "Alice")
    assert (result.exit_code, result.output) == (
        0, "Cleared 4 failed logins of alice: alice may log in again from any address.\n")
    assert log_in(here, "alice", PASSWORD).status_code == 302
    with engine(app).connect() as connection:
        left = connection.execute(sa.select(login_failures.c.username)).scalars().all()
    assert left == ["bob"]


def test_list(app, clock) -> None:
    assert run(app, "list").output == (
        "No staff accounts yet. Create the first admin with:\n"
        "  flask --app ivr staff create USERNAME --role admin\n")
    add_user(app, "victor", "viewer", disabled=True)
    clock.now += timedelta(minutes=5)
    add_user(app, "alice", "admin")
    clock.now += timedelta(hours=1)
    log_in(app.test_client(), "alice", PASSWORD)
    assert run(app, "list").output == (
        "username  role    status    created (JST)     last login (JST)\n"
        "alice     admin   active    2026-11-24 10:05  2026-11-24 11:05\n"
        "victor    viewer  disabled  2026-11-24 10:00  never\n")


def test_dev_admin_refuses_outside_development(app) -> None:
    result = run(app, "dev-admin")
    assert result.exit_code == 1
    assert result.output == (
        "Error: staff dev-admin only works in development (IVR_DEV=1). Create real accounts "
        "with: flask --app ivr staff create USERNAME --role admin\n")
    assert user(app, "dev-admin") is None


def test_dev_admin_prints_a_fresh_login_each_time(staff_app) -> None:
    app = staff_app(IVR_DEV=True)
    outputs = [run(app, "dev-admin").output for _ in range(2)]
    passwords = []
    for output in outputs:
        head, _, password = output.rpartition("  password: ")
        assert head == ("Staff login for this machine (development only):\n"
                        "  username: dev-admin\n")
        passwords.append(password.strip())
    assert passwords[0] != passwords[1] and len(passwords[1]) == 16
    assert log_in(app.test_client(), "dev-admin", passwords[0]).status_code == 200
    assert log_in(app.test_client(), "dev-admin", passwords[1]).status_code == 302
    assert user(app, "dev-admin").role == "admin"


def test_an_unreachable_database_is_one_line(make_app) -> None:
    app = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    try:
        result = run(app, "list")
    finally:
        app.extensions["calllog"].close()
    assert result.exit_code == 1
    assert result.output.startswith("Error: database postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.output.endswith("(has `flask --app ivr db upgrade` been run?)\n")
    assert result.output.count("\n") == 1
