"""Signed webhook requests with distinct CallSids, written where wrk's Lua script reads them.

wrk's Lua has no HMAC, so every request is signed here, the way Twilio signs
(base64 HMAC-SHA1 of the URL and the sorted form, by ``twilio``'s own
``RequestValidator``). The steps of a call are recorded once through the
simulator (so they are the webhooks the app really asks for right now),
then replayed for many calls, each with its own
CallSid and caller. Calls go out in blocks, step by step (the first webhook
of every call of a block, then the second...), so that a call's next
webhook is sent about when its previous one has been answered, as Twilio
would, while many calls are in progress at once.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import ivr
from ivr.web import simulator


@dataclass(frozen=True)
class Webhook:
    """One request of a call: the URL (with its query) and the form Twilio posts."""

    url: str
    form: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def record_call(base: str, keys: list[str], tmp: Path) -> list[Webhook]:
    """Play one call through an in-process app as ``base`` would serve it; return its webhooks.

    The app runs on the repository's menus at the real time, as the server
    does, so the steps are the ones the server will answer (the baseline
    gets the same ones).
    """
    app = ivr.create_app({"TESTING": True, "INSTANCE_PATH": str(tmp),
                          "DATABASE_URL": f"sqlite:///{tmp / 'template.sqlite3'}",
                          "IVR_ALLOW_UNSIGNED": True, "TWILIO_AUTH_TOKEN": None})
    client = app.test_client()
    sent: list[Webhook] = []

    def post(url: str, form: dict[str, str]) -> tuple[int, bytes]:
        sent.append(Webhook(url, dict(form)))
        response = client.post(url, data=form)
        return response.status_code, response.data

    try:
        call = simulator.Call(at=None, keys=keys, caller="+819000000000")  # type: ignore[arg-type]
        lines = simulator.play(post, call, base)
    finally:
        app.extensions["calllog"].close()
    if any(line.startswith("! HTTP") for line in lines):
        raise RuntimeError("the template call failed: " + "; ".join(lines))
    return sent


def send(hook: Webhook, token: str, sid: str) -> int:
    """Post one webhook of call ``sid`` to the server, signed; return the HTTP status."""
    form = {**hook.form, "CallSid": sid}
    request = urllib.request.Request(hook.url, data=urlencode(form).encode(), method="POST",
                                     headers=simulator.sign(token, hook.url, form))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def call_sid(run: str, n: int) -> str:
    return f"CA{run}{n:024x}"


def new_run_id() -> str:
    return secrets.token_hex(4)


def write_pool(folder: Path, template: list[Webhook], token: str, *, calls: int,
               threads: int, block: int = 256, run: str = "0") -> int:
    """Write ``calls`` signed calls into one file per wrk thread; return the request count.

    A line is ``path?query TAB body TAB signature``; thread k gets blocks k, k+threads...
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = [open(folder / f"pool-{k}.txt", "w", encoding="ascii")  # noqa: SIM115
             for k in range(threads)]
    try:
        for first in range(0, calls, block):
            out = files[(first // block) % threads]
            numbers = range(first, min(first + block, calls))
            for hook in template:
                for n in numbers:
                    out.write(_line(hook, token, call_sid(run, n), n))
    finally:
        for file in files:
            file.close()
    return calls * len(template)


def _line(hook: Webhook, token: str, sid: str, n: int) -> str:
    form = {**hook.form, "CallSid": sid, "From": f"+8190{n % 10**8:08d}"}
    signature = simulator.sign(token, hook.url, form)["X-Twilio-Signature"]
    parts = urlsplit(hook.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{target}\t{urlencode(form)}\t{signature}\n"
