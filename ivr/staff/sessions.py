"""Flask's signed cookie sessions, opened only for requests that carry the cookie.

Only staff pages use a session. Flask opens one for every request, and
builds its cookie signer (an itsdangerous serializer) even to find that a
request has no cookie: for every Twilio webhook, recording and health
check, work for nothing. A request without the session cookie gets a new,
empty session at once; one with it is read as Flask reads it. At the end, a
session that is empty and unchanged only adds ``Vary: Cookie`` when it was
looked at (Flask-Login looks at every request's), as Flask's own does,
without first working out the cookie's name, domain, path and flags.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin


class Sessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and (
                "HTTP_COOKIE" not in request.environ
                or self.get_cookie_name(app) not in request.cookies):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if session or session.modified:
            super().save_session(app, session, response)
        elif session.accessed:  # Flask's "Vary: Cookie" for a session that was read
            if "Vary" in response.headers:
                response.vary.add("Cookie")
            else:
                response.headers["Vary"] = "Cookie"
