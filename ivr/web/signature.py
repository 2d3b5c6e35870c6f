"""Only Twilio may drive a call: every /voice request must carry a valid signature.

With ``TWILIO_AUTH_TOKEN`` set, a request without a valid
``X-Twilio-Signature`` is refused with 403. Without a token, calls are served
only when ``IVR_ALLOW_UNSIGNED`` is set (development); otherwise only the
static fallback answer is served, so a misconfigured deployment still gives
callers the emergency advice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlparse

from flask import Request, abort, current_app
from twilio.request_validator import add_port, remove_port

from ivr.web import origin

EXEMPT_WITHOUT_TOKEN = {"voice.fallback"}


def signed_url(request: Request) -> str:
    """The URL Twilio signed: the public URL (``IVR_PUBLIC_URL``, else the request's as
    ProxyFix sees it) and the path, with the raw, undecoded query."""
    query = request.query_string.decode("latin-1")
    return origin.base_url(request) + request.path + (f"?{query}" if query else "")


def is_valid(token: str, request: Request) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    params = request.form if request.method == "POST" else {}
    return valid(token, signed_url(request), params, signature)


def valid(token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """Whether ``signature`` is Twilio's for ``url`` and ``params``, as twilio's
    ``RequestValidator.validate`` decides, but with one HMAC for a valid request.

    The library computes two, for the URL with and without its port (Twilio
    signs either way); here the URL as it reached us comes first, and the
    other form only when that one fails.
    """
    fields = _fields(params)
    if hmac.compare_digest(_digest(token, url + fields), signature.encode()):
        return True
    parsed = urlparse(url)
    return any(hmac.compare_digest(_digest(token, other + fields), signature.encode())
               for other in dict.fromkeys((remove_port(parsed), add_port(parsed)))
               if other != url)


def _fields(params: Mapping[str, str]) -> str:
    """The form as Twilio signs it: each name and value, sorted, without repeats. A form
    (a ``MultiDict``) gives each name with its values in one pass (``lists``)."""
    lists = getattr(params, "lists", None)
    if lists is None or not hasattr(params, "getlist"):
        return "".join([name + params[name] for name in sorted(params)])
    return "".join([name + value for name, values in sorted(lists())
                    for value in (values if len(values) == 1 else sorted(set(values)))])


def _digest(token: str, message: str) -> bytes:
    mac = _keyed(token).copy()
    mac.update(message.encode())
    return base64.b64encode(mac.digest())


@lru_cache(maxsize=4)
def _keyed(token: str) -> hmac.HMAC:
    return hmac.new(token.encode(), digestmod=hashlib.sha1)


def require(request: Request) -> None:
    """Abort with 403 unless ``request`` may drive a call."""
    config = current_app.config
    token = config["TWILIO_AUTH_TOKEN"]
    if token:
        if not is_valid(token, request):
            abort(403, description="invalid or missing X-Twilio-Signature")
        return
    if config["IVR_ALLOW_UNSIGNED"] or request.endpoint in EXEMPT_WITHOUT_TOKEN:
        return
    abort(403, description="TWILIO_AUTH_TOKEN is not set: unsigned calls are refused "
                           "(set IVR_ALLOW_UNSIGNED=1 only for development)")
