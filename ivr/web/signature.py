"""Only Twilio may drive a call: every /voice request must carry a valid signature.

With ``TWILIO_AUTH_TOKEN`` set, a request without a valid
``X-Twilio-Signature`` is refused with 403. Without a token, calls are served
only when ``IVR_ALLOW_UNSIGNED`` is set (development); otherwise only the
static fallback answer is served, so a misconfigured deployment still gives
callers the emergency advice.
"""

from __future__ import annotations

from flask import Request, abort, current_app
from twilio.request_validator import RequestValidator

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
    return RequestValidator(token).validate(signed_url(request), params, signature)


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
