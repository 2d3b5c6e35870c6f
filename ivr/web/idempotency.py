"""Which webhook request of a call an event comes from, so that a repeat of it logs nothing.

Each event a webhook hands to the call log is named ``<request id>:<n>`` (its
order within the request), and the log stores a name once. The request id is
a hash of the call (``CallSid``) and of the request as Twilio signed it:

- A replay (the same signed request sent again) and Twilio's retry of a
  request whose connection failed are the same URL with the same parameters:
  the same id, so they add nothing to the log.
- Two genuine requests of one call are never the same, because every URL the
  app answers with names the call's next turn (``n=``, ``ivr.call.state``).
  Without it, a caller pressing ``*`` twice at one menu, or going back and
  choosing the same service again, would post byte-identical requests, and
  the second would be lost.

Only what ``X-Twilio-Signature`` covers goes in (the path, the URL's state,
the parameters the app reads), so a replay cannot pass for a new request by
changing a header. Twilio's ``I-Twilio-Idempotency-Token`` header tells its
retries apart too, but it is not signed: anyone replaying a captured request
can send it with any value or none. The caller's number never goes in, so the
stored id cannot be turned back into it by hashing every possible number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

from ivr.call.state import KEYS

_json_string = json.encoder.encode_basestring_ascii  # json.dumps's for a str (ensure_ascii)

# Twilio's parameters that change what a step does or logs
READ = ("Digits", "DialCallStatus", "DialCallDuration", "CallStatus", "CallDuration",
        "ErrorCode")


def request_id(call_sid: str, path: str, values: Mapping[str, str],
               read: Iterable[str] = READ) -> str:
    """The id of a webhook request of ``call_sid``: the same for its replays and retries.

    The hash of the JSON list of those parts, as ``json.dumps`` writes it (ASCII, ``", "``
    between items): written here by the encoder's own string function, without making an
    encoder for each request. The ids must never change: the log keeps an event once by
    its id, across deploys (``tests/test_idempotency.py`` holds the first way).
    """
    parts = [call_sid, path.rstrip("/")]
    parts += [f"{key}={values[key]}" for key in KEYS if key in values]
    parts += [f"{key}={values[key]}" for key in read if key in values]
    if "ErrorUrl" in values:  # the fallback: which request of the call failed
        parts.append(f"ErrorUrl={failed_request(values['ErrorUrl'])}")
    text = "[" + ", ".join(map(_json_string, parts)) + "]"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def failed_request(url: str) -> str:
    """The path and the app's own state of a failed webhook URL (Twilio's ``ErrorUrl``).

    A GET webhook's URL also holds Twilio's parameters, the caller's number
    among them: those are left out.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    state = [(key, value) for key, value in parse_qsl(parts.query) if key in KEYS]
    return json.dumps([parts.path.rstrip("/"), sorted(state)])
