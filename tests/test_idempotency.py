"""A webhook request's id is the same as the first way of working it out gave, on any input.

The call log keeps an event once by its id (``<request id>:<n>``): a request Twilio retries
across a deploy must get the id it got before, or the call's events are stored twice.
``first_request_id`` is ``ivr.web.idempotency.request_id`` as it was first written.
"""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.call.state import KEYS
from ivr.web.idempotency import READ, failed_request, request_id


def first_request_id(call_sid, path, values, read=READ):
    parts = [call_sid, path.rstrip("/")]
    parts += [f"{key}={values[key]}" for key in (*KEYS, *read) if key in values]
    if "ErrorUrl" in values:
        parts.append(f"ErrorUrl={failed_request(values['ErrorUrl'])}")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


NAMES = st.sampled_from([*KEYS, *READ, "ErrorUrl", "CallSid", "From", "To", "x", "Digits "])
TEXT = st.text(max_size=40)  # any code point: non-ASCII, controls, quotes, surrogates
URLS = st.one_of(TEXT, st.builds(lambda path, query: f"https://x.example{path}?{query}",
                                 TEXT, TEXT))
VALUES = st.dictionaries(NAMES, st.one_of(TEXT, URLS), max_size=12)
READS = st.one_of(st.just(READ), st.just(("CallStatus",)), st.lists(NAMES, max_size=4))


@settings(max_examples=3000, deadline=None)
@given(call_sid=TEXT, path=TEXT, values=VALUES, read=READS)
def test_the_request_id_is_the_first_ways(call_sid, path, values, read):
    assert request_id(call_sid, path, values, read) == first_request_id(
        call_sid, path, values, read)


def test_known_ids_never_change():
    """Ids as the log stored them before the faster way (a retry across a deploy)."""
    sid = "CA" + "0123456789abcdef" * 2
    cases = [
        (sid, "/voice", {"CallSid": sid, "From": "+819012345678"}, READ),
        (sid, "/voice/menu/", {"h": "main", "l": "en", "t": "main", "n": "3", "Digits": "4"},
         READ),
        (sid, "/voice/status", {"CallStatus": "completed", "CallDuration": "61"},
         ("CallStatus",)),
        (sid, "/voice/fallback", {"ErrorCode": "11200", "ErrorUrl":
                                  "https://x.example/voice/menu?h=main&n=2&From=%2B81"}, READ),
        (sid, "/voice/tell", {"t": "人権", "w": "\u2028\"\\"}, READ),
    ]
    found = [request_id(*case) for case in cases]
    assert found == [first_request_id(*case) for case in cases]
    assert found[0] == hashlib.sha256(json.dumps([sid, "/voice"]).encode()).hexdigest()[:32]
