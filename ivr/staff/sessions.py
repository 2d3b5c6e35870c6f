"""Flask's signed cookie sessions, opened only for requests that carry the cookie.

Only staff pages use a session. Flask opens one for every request, and
builds its cookie signer (an itsdangerous serializer) even to find that a
request has no cookie: for every Twilio webhook, recording and health
check, work for nothing. A request without the session cookie gets a new,
empty session at once; one with it is read as Flask reads it.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class Sessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and (
                "HTTP_COOKIE" not in request.environ
                or self.get_cookie_name(app) not in request.cookies):
            return self.session_class()
        return super().open_session(app, request)
