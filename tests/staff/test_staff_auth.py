"""Logging in and out: redirects, the generic message, CSRF, roles and sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from conftest import SID

from ivr.staff import accounts
from ivr.staff.layout import CSP
from ivr.staff.schema import login_failures

from .staff_support import PASSWORD, add_user, engine, log_in, post, text, token, user

GUARDED = ["/staff", "/staff/calls", "/staff/calls/CA1", "/staff/calls.csv",
           "/staff/admin/users"]


@pytest.mark.parametrize("url", GUARDED)
def test_anonymous_is_sent_to_the_login_page(client, url) -> None:
    response = client.get(url + "?from=2026-11-01")
    assert response.status_code == 302
    assert response.location == f"/staff/login?next={url}?from%3D2026-11-01"


@pytest.mark.parametrize("url", ["/staff/logout", "/staff/admin/users/bob/disable",
                                 "/staff/admin/users/bob/enable"])
def test_anonymous_posts_lead_to_the_login_page(client, url) -> None:
    response = client.post(url, data={"csrf_token": token(client)})
    assert response.status_code == 302
    assert response.location == "/staff/login"


def test_the_login_page(client) -> None:
    response = client.get("/staff/login")
    page = text(response)
    assert response.status_code == 200
    for snippet in ('<html lang="en">', 'id="login-form"', '<label for="login-username">',
                    '<label for="login-password">', 'autocomplete="current-password"',
                    'name="csrf_token"', 'href="#main"'):
        assert snippet in page
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in CSP and CSP.startswith("default-src 'self'")


def test_the_stylesheet_is_served_by_the_app(client) -> None:
    with client.get("/staff/static/staff.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_voice_webhooks_need_no_csrf_token(client) -> None:
    response = client.post("/voice", data={"CallSid": SID, "From": "+819012345678",
                                           "To": "+815000000000"})
    assert response.status_code == 200
    assert response.mimetype == "text/xml"


def test_login_starts_a_session_and_notes_the_time(app, client, clock) -> None:
    add_user(app, "alice", "admin")
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.location == "/staff"
    assert client.get("/staff").status_code == 200
    assert user(app, "alice").last_login_at == clock.now


def test_usernames_are_not_case_sensitive(app, client) -> None:
    add_user(app, "alice", "admin")
    assert log_in(client, "  Alice ", PASSWORD).status_code == 302


@pytest.mark.parametrize(("target", "landing"), [
    ("/staff/calls?language=en", "/staff/calls?language=en"),
    ("//evil.example/staff", "/staff"),
    ("https://evil.example/staff", "/staff"),
    ("/voice", "/staff"),
    ("/staff\\..\\x", "/staff"),
])
def test_login_returns_to_a_staff_page_only(app, client, target, landing) -> None:
    add_user(app, "alice", "admin")
    assert log_in(client, "alice", PASSWORD, next=target).location == landing


@pytest.mark.parametrize(("username", "password", "disabled"), [
    ("alice", "wrong password!", False),   # wrong password
    ("nobody", PASSWORD, False),           # no such account
    ("alice", PASSWORD, True),             # disabled account
])
def test_a_failed_login_says_only_wrong_username_or_password(app, client, username, password,
                                                             disabled) -> None:
    add_user(app, "alice", "admin", disabled=disabled)
    response = log_in(client, username, password)
    assert response.status_code == 200
    assert '<p class="problem" role="alert" id="login-error">Wrong username or password.</p>' \
        in text(response)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/staff").status_code == 302
    with engine(app).connect() as connection:
        rows = connection.execute(sa.select(login_failures.c.username,
                                            login_failures.c.client)).all()
    assert [tuple(row) for row in rows] == [(username, "127.0.0.1")]


@pytest.mark.parametrize(("url", "page"), [
    ("/staff/login", "/staff/login"),
    ("/staff/logout", "/staff"),
    ("/staff/admin/users/victor/disable", "/staff/admin/users"),
])
def test_a_post_without_its_csrf_token_is_refused(app, admin_client, url, page) -> None:
    add_user(app, "victor", "viewer")
    response = admin_client.post(url, data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired or did not come from this site." in text(response)
    forged = admin_client.post(url, data={"csrf_token": "forged", "username": "alice"})
    assert forged.status_code == 400
    assert admin_client.get("/staff").status_code == 200  # still logged in
    assert not user(app, "victor").disabled


def test_over_https_a_form_must_come_from_this_site(app) -> None:
    add_user(app, "alice", "admin")
    client = app.test_client()
    base = "https://hotline.example"
    form = {"csrf_token": token(client, base_url=base), "username": "alice",
            "password": PASSWORD}
    refused = client.post("/staff/login", data=form, base_url=base)
    assert refused.status_code == 400
    sent = client.post("/staff/login", data=form, base_url=base,
                       headers={"Referer": base + "/staff/login"})
    assert sent.status_code == 302


def test_logout(admin_client) -> None:
    assert admin_client.get("/staff/logout").status_code == 405
    response = post(admin_client, "/staff/logout")
    assert response.status_code == 302
    assert response.location == "/staff/login"
    assert admin_client.get("/staff").status_code == 302
    assert "You are logged out." in text(admin_client.get("/staff/login"))


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/staff/admin/users"),
    ("post", "/staff/admin/users/alice/disable"),
    ("post", "/staff/admin/users/alice/enable"),
    ("get", "/staff/calls.csv"),
])
def test_a_viewer_cannot_reach_admin_actions(app, viewer_client, method, url) -> None:
    add_user(app, "alice", "admin")
    response = viewer_client.get(url) if method == "get" else post(viewer_client, url)
    assert response.status_code == 403
    assert "This page is for admins." in text(response)
    assert not user(app, "alice").disabled


def test_a_viewer_sees_no_admin_links(viewer_client) -> None:
    page = text(viewer_client.get("/staff/calls"))
    assert 'id="nav-calls"' in page and 'id="nav-dashboard"' in page
    assert 'id="nav-users"' not in page and 'id="export-csv"' not in page


def test_disabling_ends_live_sessions(app, admin_client, viewer_client) -> None:
    assert viewer_client.get("/staff").status_code == 200
    response = post(admin_client, "/staff/admin/users/victor/disable", "/staff/admin/users")
    assert response.location == "/staff/admin/users"
    assert "Disabled victor: their sessions have ended." in text(
        admin_client.get("/staff/admin/users"))
    ended = viewer_client.get("/staff/calls")
    assert ended.status_code == 302
    assert ended.location == "/staff/login?next=/staff/calls"
    assert "Your session has ended. Please log in again." in text(
        viewer_client.get(ended.location))
    assert log_in(viewer_client, "victor", PASSWORD).status_code == 200
    post(admin_client, "/staff/admin/users/victor/enable", "/staff/admin/users")
    assert log_in(viewer_client, "victor", PASSWORD).status_code == 302


def test_an_admin_cannot_disable_themselves(app, admin_client) -> None:
    post(admin_client, "/staff/admin/users/alice/disable", "/staff/admin/users")
    assert "You cannot disable your own account." in text(admin_client.get("/staff/admin/users"))
    assert not user(app, "alice").disabled


def test_a_new_password_ends_sessions(app, viewer_client) -> None:
    with engine(app).begin() as connection:
        accounts.set_password(connection, "victor", "another long password",
                              app.extensions["ivr.staff"].hasher)
    assert viewer_client.get("/staff").status_code == 302


def test_a_session_ends_after_eight_hours(viewer_client, clock) -> None:
    clock.now += timedelta(hours=7, minutes=59)
    assert viewer_client.get("/staff").status_code == 200
    clock.now += timedelta(minutes=1, seconds=1)
    assert viewer_client.get("/staff").status_code == 302


def test_a_session_is_bound_to_its_browser(viewer_client) -> None:
    """Flask-Login's strong protection: the cookie alone, in another browser, is not enough."""
    assert viewer_client.get("/staff", headers={"User-Agent": "another browser"}) \
        .status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(staff_app) -> None:
    app = staff_app()
    app.extensions["ivr.staff"].hasher = PasswordHasher()  # the real parameters
    stored = add_user(app, "alice", "admin").password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored
    with engine(app).connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM staff_users")).one()
    assert PASSWORD not in repr(tuple(row))


def test_a_login_rehashes_a_password_when_the_parameters_changed(staff_app) -> None:
    app = staff_app()
    old = add_user(app, "alice", "admin").password_hash  # cheap parameters
    assert old.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    app.extensions["ivr.staff"].hasher = PasswordHasher()
    client = app.test_client()
    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert user(app, "alice").password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert client.get("/staff").status_code == 200  # the new hash is the session's


@pytest.mark.parametrize(("settings", "secure"), [
    ({"TESTING": False}, True),
    ({"TESTING": False, "IVR_DEV": True}, False),
    ({}, False),
])
def test_session_cookies(staff_app, settings, secure) -> None:
    app = staff_app(**settings)
    add_user(app, "alice", "admin")
    client = app.test_client()
    base = "https://hotline.example"
    response = client.post("/staff/login", base_url=base,
                           headers={"Referer": base + "/staff/login"},
                           data={"csrf_token": token(client, base_url=base),
                                 "username": "alice", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert "Expires=" not in cookie  # ends with the browser, and after 8 hours in any case
    assert ("; Secure" in cookie) is secure
    assert app.permanent_session_lifetime == timedelta(hours=8)
