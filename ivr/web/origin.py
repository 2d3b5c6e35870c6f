"""The app's public origin: the one URL Twilio and staff reach it by, and HTTPS kept to.

With ``IVR_PUBLIC_URL`` set (``https://ivr.example.org``, with a path when a
proxy serves the app under one), nothing depends on the ``Host`` a request
names: the signature is checked against the URL Twilio signed under the
public URL, so a request signed for another host (a staging app on the same
Twilio account) is refused, and the absolute URLs the app writes (recordings
for ``<Play>``) start with it.

Pages for people (the staff app, the dev phone) then answer only under the
public host; anything else gets 400 "unknown host". That is Flask's
``TRUSTED_HOSTS``, but not for every route: the webhooks and recordings need
no Host at all, a proxy that rewrites it must not cost a caller the call,
and a load balancer checks ``/healthz`` by the instance's address.

Over HTTPS (as the request or, with ``IVR_PROXY_HOPS``, the proxy says),
every answer carries ``Strict-Transport-Security``; over plain HTTP none does.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, request
from werkzeug.sansio.utils import host_is_trusted

from ivr import config as settings

HSTS = "max-age=31536000"  # a year; no includeSubDomains: other hosts of the domain are not ours
ANY_HOST = frozenset({"voice", "audio", "health"})  # blueprints that never read the Host


MAX_ROOTS = 64  # request roots remembered (the Host is the client's: a few are real)
_roots: dict[tuple[str, str, str], str] = {}


def base_url(request: Request) -> str:
    """The app's public URL without a trailing slash: ``IVR_PUBLIC_URL``, else the request's."""
    return current_app.config["IVR_PUBLIC_URL"] or request_root(request)


def request_root(request: Request) -> str:
    """``request.url_root`` without its trailing slash, worked out once per scheme, host and
    root path (werkzeug builds it from those three alone, decoding the host every time)."""
    key = (request.scheme, request.host, request.root_path)
    root = _roots.get(key)
    if root is None:
        root = request.url_root.rstrip("/")
        if len(_roots) < MAX_ROOTS:
            _roots[key] = root
    return root


def _known_host() -> Response | None:
    public = current_app.config["IVR_PUBLIC_URL"]
    if public is None or request.blueprint in ANY_HOST:
        return None
    if host_is_trusted(request.host, [urlsplit(public).netloc]):
        return None
    return Response("unknown host", 400, mimetype="text/plain")


def _strict_transport(response: Response) -> Response:
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    config = app.config
    public = config.get("IVR_PUBLIC_URL")
    config["IVR_PUBLIC_URL"] = settings.public_url(public) if public else None
    if not public and config["TWILIO_AUTH_TOKEN"] and not config.get("TESTING"):
        app.extensions.setdefault("ivr.config_warnings", []).append(
            "IVR_PUBLIC_URL is not set: signatures are checked against the host each "
            "request names")
    app.before_request(_known_host)
    app.after_request(_strict_transport)
