"""Logging in and out of the staff pages, and the guards of the pages behind the login.

Anyone may reach the login page; a failed login says only "wrong username or
password" (a missing, disabled or mistyped account look alike, and take as
long), and the throttle (``throttle``) makes further tries of that username
from that address wait, refused with 429 before any password is checked.
Sessions are Flask-Login's, with "strong" protection; they end after
``StaffLogin.lifetime``, and on the server at the logout or a change of the
account (``accounts.end_sessions``): every request checks the account's
session generation, so a copy of the cookie is worth nothing afterwards.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.staff import accounts, layout, throttle
from ivr.staff.accounts import StaffUser
from ivr.staff.slots import HashSlots
from ivr.staff.throttle import LoginLimits

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")
bp.register_error_handler(HTTPException, layout.error_page)
WRONG = "Wrong username or password."
BUSY = "The login is busy. Try again in a moment."
SINCE = "staff_since"  # session key: when the login happened (POSIX seconds)


@dataclass
class StaffLogin:
    """How staff log in: the password hasher and its slots, the throttle, the session lifetime."""

    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    slots: HashSlots = field(default_factory=HashSlots)
    limits: LoginLimits = field(default_factory=LoginLimits)
    lifetime: timedelta = timedelta(hours=8)
    _decoy: str | None = field(default=None, repr=False)

    def decoy(self) -> str:
        """Return a hash to check when there is no such account, so it takes as long."""
        if self._decoy is None:
            self._decoy = self.hasher.hash(secrets.token_hex(16))
        return self._decoy


def staff_login(app: Flask | None = None) -> StaffLogin:
    return (app or current_app).extensions["ivr.staff"]


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form; on POST, take a check slot, check the throttle, then the password."""
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(target or url_for("staff_dashboard.dashboard"))
        return render_template("staff/login.html", next=target)
    username = accounts.username_of(request.form.get("username", ""))
    with staff_login().slots.slot() as free:
        if not free:  # no thread the webhooks need waits for a hash
            return _busy(username, target)
        refused = _refusal(username, target)
        if refused is not None:
            return refused
        user = _checked(username, request.form.get("password", ""))
    if user is None:
        return render_template("staff/login.html", next=target, username=username, error=WRONG)
    return redirect(target or url_for("staff_dashboard.dashboard"))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the account's sessions (a POST with a CSRF token: no other site can log staff out).

    Clearing the cookie is not enough: a copy of it would still be signed and
    valid, so the account's session generation moves on as well.
    """
    if current_user.is_authenticated:
        connection = calllog.connection()
        accounts.end_sessions(connection, current_user.id)
        connection.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("staff_auth.login"))


def _busy(username: str, target: str | None) -> ResponseReturnValue:
    """The 503 page of a login that found every password check slot taken."""
    page = render_template("staff/login.html", next=target, username=username, error=BUSY)
    return page, 503, {"Retry-After": "1"}


def _refusal(username: str, target: str | None) -> ResponseReturnValue | None:
    """Return the 429 page while this username must wait at this address, else None."""
    gate = staff_login()
    wait = throttle.wait(calllog.connection(), gate.limits, username, _client(), layout.now())
    if wait is None:
        return None
    seconds = max(1, math.ceil(wait.total_seconds()))
    message = f"Too many failed logins from this address. Try again in {_in_words(seconds)}."
    page = render_template("staff/login.html", next=target, username=username, error=message)
    return page, 429, {"Retry-After": str(seconds)}


def _in_words(seconds: int) -> str:
    """Say a wait: "2 seconds", "1 minute", "3 minutes" (rounded up)."""
    count, unit = (seconds, "second") if seconds < 60 else (math.ceil(seconds / 60), "minute")
    return f"{count} {unit}{'s' if count > 1 else ''}"


def _checked(username: str, password: str) -> StaffUser | None:
    """Log the user in when the password is right; the attempt counts as failed otherwise.

    The attempt is stored before the password is checked, so other workers
    see it at once; a right password takes it back.
    """
    gate, connection, moment, client = staff_login(), calllog.connection(), layout.now(), _client()
    throttle.attempted(connection, gate.limits, username, client, moment)
    connection.commit()
    user = accounts.find(connection, username)
    right = gate.slots.run(lambda: accounts.matches(
        user.password_hash if user else gate.decoy(), password, gate.hasher))
    if user is None or user.disabled or not right:
        connection.commit()
        return None
    throttle.succeeded(connection, username, client)
    user = accounts.signed_in(connection, user, password, gate.hasher, moment)
    connection.commit()
    _start_session(user, moment)
    return user


def _start_session(user: StaffUser, moment: datetime) -> None:
    session.clear()  # nothing from before the login survives it
    login_user(user)
    # Not "permanent": the cookie ends with the browser, and Flask-Login's strong
    # protection (which only marks a permanent session "not fresh") deletes a session
    # whose browser or address changed.
    session[SINCE] = int(moment.timestamp())


def _client() -> str:
    return request.remote_addr or "unknown"


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a staff page of this site (no open redirect), else None."""
    if not target or not layout.is_staff_path(target.split("?")[0]):
        return None
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def _load_user(user_id: str) -> StaffUser | None:
    """Return the session's account, unless it is gone, disabled or its sessions have ended."""
    ident, _, generation = user_id.partition(":")
    if not (ident.isdigit() and generation.isdigit()) or max(len(ident), len(generation)) > 18:
        return None
    user = accounts.get(calllog.connection(), int(ident))
    if user is None or user.disabled or user.session_generation != int(generation):
        return None
    return user


def staff_only() -> ResponseReturnValue | None:
    """Guard of every page behind the login: viewers and admins with a live session."""
    since = session.get(SINCE)
    expired = since is not None and \
        layout.now().timestamp() - since > staff_login().lifetime.total_seconds()
    if current_user.is_authenticated and not expired:
        return None
    message = "Please log in to see the staff pages."
    if "_user_id" in session:  # a session that was valid and is no longer
        logout_user()
        session.clear()
        message = "Your session has ended. Please log in again."
    flash(message, "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("staff_auth.login", next=target))


def admins_only() -> ResponseReturnValue | None:
    """Guard of the admin pages: 403 for a viewer."""
    refused = staff_only()
    if refused is not None:
        return refused
    if not current_user.is_admin:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    """Set up Flask-Login (strong session protection) and the staff login settings."""
    app.extensions["ivr.staff"] = StaffLogin()
    manager = LoginManager()
    manager.login_view = "staff_auth.login"
    manager.login_message = "Please log in to see the staff pages."
    manager.login_message_category = "info"
    manager.session_protection = "strong"
    manager.user_loader(_load_user)
    manager.init_app(app)
    app.register_blueprint(bp)
