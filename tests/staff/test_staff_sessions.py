"""Sessions end on the server: a cookie kept from before a logout or an account change is refused.

The session cookie is signed, not stored: whoever kept a copy of it (a shared
computer, a proxy log, a stolen laptop) could replay it after the logout. The
account's session generation, checked on every request, ends every session
signed in before the logout, a new password, a new role or a disabling.
"""

from __future__ import annotations

import pytest

from ivr.staff import accounts
from ivr.staff.schema import staff_users

from .staff_support import PASSWORD, add_user, engine, log_in, post, text, user


def kept_cookie(client) -> str:
    """Return the value of the client's session cookie, as someone copying it would."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(client, value: str):
    """Put a kept session cookie back into the client and ask for the admin page."""
    client.set_cookie("session", value)
    return client.get("/staff/admin/users")


def assert_ended(response, client) -> None:
    assert response.status_code == 302
    assert response.location == "/staff/login?next=/staff/admin/users"
    assert "Your session has ended. Please log in again." in text(client.get(response.location))


def test_a_cookie_kept_from_before_the_logout_is_refused(app, admin_client) -> None:
    kept = kept_cookie(admin_client)
    assert admin_client.get("/staff/admin/users").status_code == 200
    assert post(admin_client, "/staff/logout").location == "/staff/login"
    assert_ended(replay(admin_client, kept), admin_client)
    assert user(app, "alice").session_generation == 1


def test_a_logout_ends_the_account_sessions_in_every_browser(app) -> None:
    add_user(app, "alice", "admin")
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        assert log_in(client, "alice", PASSWORD).status_code == 302
    post(laptop, "/staff/logout")
    assert phone.get("/staff").status_code == 302
    assert log_in(phone, "alice", PASSWORD).status_code == 302  # a new login works at once
    assert phone.get("/staff/admin/users").status_code == 200


def _new_password(connection, hasher) -> None:
    accounts.set_password(connection, "alice", "another long password", hasher)


def _new_role(connection, _hasher) -> None:
    accounts.set_role(connection, "alice", "viewer")


def _same_role(connection, _hasher) -> None:
    accounts.set_role(connection, "alice", "admin")  # a role given again still ends sessions


def _disabled_and_enabled(connection, _hasher) -> None:
    accounts.set_disabled(connection, "alice", True)
    accounts.set_disabled(connection, "alice", False)


@pytest.mark.parametrize("change", [_new_password, _new_role, _same_role,
                                    _disabled_and_enabled])
def test_an_account_change_ends_its_kept_sessions(app, admin_client, change) -> None:
    kept = kept_cookie(admin_client)
    with engine(app).begin() as connection:
        change(connection, app.extensions["ivr.staff"].hasher)
    assert_ended(replay(admin_client, kept), admin_client)
    assert user(app, "alice").session_generation > 0


def test_disabling_from_the_admin_page_ends_the_kept_session(app, admin_client) -> None:
    add_user(app, "victor", "viewer")
    victor = app.test_client()
    assert log_in(victor, "victor", PASSWORD).status_code == 302
    kept = kept_cookie(victor)
    post(admin_client, "/staff/admin/users/victor/disable", "/staff/admin/users")
    post(admin_client, "/staff/admin/users/victor/enable", "/staff/admin/users")
    victor.set_cookie("session", kept)
    assert victor.get("/staff").status_code == 302


def test_a_session_names_its_generation(app, admin_client) -> None:
    """What the cookie holds: the account id and the generation it was signed in under."""
    with admin_client.session_transaction() as session:
        assert session["_user_id"] == f"{user(app, 'alice').id}:0"
    with engine(app).begin() as connection:
        connection.execute(staff_users.update().values(
            session_generation=staff_users.c.session_generation + 1))
    assert admin_client.get("/staff").status_code == 302


def test_a_request_without_the_cookie_opens_no_signed_session(app, admin_client,
                                                             monkeypatch) -> None:
    """Webhooks carry no session cookie: no cookie signer is made for them (it cost each
    webhook tens of microseconds); a staff request with the cookie is read as before."""
    made = []
    interface = app.session_interface
    real = interface.get_signing_serializer
    monkeypatch.setattr(interface, "get_signing_serializer", lambda a: made.append(1) or real(a))
    assert app.test_client().get("/healthz").status_code == 200
    other = app.test_client()
    other.set_cookie("theme", "dark")  # a cookie, but not the session's
    assert other.get("/healthz").status_code == 200
    assert made == []
    assert admin_client.get("/staff/admin/users").status_code == 200  # logged in: signed
    assert made
