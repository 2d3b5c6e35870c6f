"""The staff web app at /staff: who the hotline served, where callers got stuck, closed doors.

Blueprints by audience: ``auth`` (anyone: log in, log out), ``dashboard``,
``calls`` and ``languages`` (viewers and admins), ``admin`` (admins: accounts, CSV
export); ``layout`` is the shell they share (templates, static files,
security headers). Accounts are made with the ``staff`` CLI group. Server-
rendered HTML with charts drawn as SVG on the server: no JavaScript, no CDN.

Every form carries a CSRF token (Flask-WTF's ``CSRFProtect``, app-wide),
except the Twilio webhooks: Twilio posts them without one, and they are
authenticated by their signature instead (the app factory exempts them).

May import Flask, Flask-Login, Flask-WTF, argon2, SQLAlchemy, the call log,
the live tree, the call and the phone tree; never twilio or the web adapter.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from ivr.staff import (
    admin,
    audit,
    auth,
    calls,
    cli,
    dashboard,
    diagram,
    editor,
    editor_draft,
    editor_forms,
    editor_publish,
    languages,
    layout,
    notices,
    pathdiff,
    recordings,
    sessions,
    trycall,
)


def init_app(app: Flask) -> None:
    """Register the staff pages, their login, CSRF protection, cookies and CLI commands."""
    config = app.config
    auth.init_app(app)
    lifetime = auth.staff_login(app).lifetime
    config.update(
        SESSION_COOKIE_SECURE=not (config.get("IVR_DEV") or config.get("TESTING")),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=lifetime,
        WTF_CSRF_TIME_LIMIT=int(lifetime.total_seconds()),  # a form stays usable all shift
    )
    app.session_interface = sessions.Sessions()  # no cookie, no signer: webhooks need none
    CSRFProtect(app)  # the app factory exempts the Twilio webhooks
    layout.init_app(app)
    for blueprint in (dashboard.bp, calls.bp, languages.bp, admin.bp, editor.bp, editor_draft.bp,
                      editor_publish.bp, editor_forms.bp, pathdiff.bp, trycall.bp, diagram.bp,
                      notices.bp, audit.bp):
        app.register_blueprint(blueprint)
    recordings.init_app(app)
    app.cli.add_command(cli.staff)
