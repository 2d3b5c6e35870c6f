"""The drain's shortcuts give exactly what their definitions give, on generated events.

``onepass`` must be ``summarise`` (and ``store.call_row`` of it) for any events:
every kind, values of every type the columns look at (or none), times shared
or not, in UTC or not. A spool line as ``encode`` writes it must decode
(``decode_lines``, which cuts the time's and the data's text out of the line)
to what ``decode`` reads and the texts SQLAlchemy would store; the rows the
drain stores from such lines are compared with Core's in test_calllog_bulk.
"""

from __future__ import annotations

import json
from datetime import UTC, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.call.events import CallEvent, EndReason, Kind
from ivr.calllog import onepass, spool, store
from ivr.calllog.outcome import summarise

from .calllog_support import T0

KEYS = ("menu", "status", "duration", "reason", "dial_status", "language", "service",
        "caller_hash", "caller_masked", "caller_number")
VALUES = st.one_of(
    st.none(), st.sampled_from(["", "completed", "busy", "in-progress", "no-answer", "95", "x",
                                "main", "legal", "en", "police", *EndReason]),
    st.integers(-3, 200), st.booleans(), st.floats(allow_nan=False), st.text(max_size=4))
DATA = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4)
ZONES = st.sampled_from([UTC, UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))])


@st.composite
def calls(draw) -> list[CallEvent]:
    """A call's events in no particular order: several share a time, or a seq."""
    events = []
    for n in range(draw(st.integers(1, 9))):
        at = T0 + timedelta(seconds=draw(st.integers(0, 4)),
                            microseconds=draw(st.sampled_from([0, 0, 1, 999999])))
        at = at.astimezone(draw(ZONES))
        events.append(CallEvent(f"CA1-{n}", "CA1", draw(st.sampled_from(["main", "kansai", ""])),
                                at, draw(st.integers(0, 2)), draw(st.sampled_from(list(Kind))),
                                draw(DATA)))
    return events


@settings(max_examples=600, deadline=None)
@given(calls())
def test_onepass_is_summarise(events: list[CallEvent]) -> None:
    ordered = sorted(events, key=store._when)
    assert onepass.summary(ordered) == summarise(events)
    assert onepass.call_row(ordered) == store.call_row(summarise(events))
    lines = [spool.Line.of(e) for e in ordered]  # what the drain hands them: Lines
    assert onepass.call_row(lines) == store.call_row(summarise(events))


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.text(), st.text(), st.text(), st.integers(0, 10**8), st.sampled_from(list(Kind)),
       st.dictionaries(st.text(), ANY_JSON, max_size=4), ZONES, st.integers(-5, 5))
def test_a_spool_line_decodes_to_its_event_and_the_texts_stored(
        uid, sid, hotline, micro, kind, data, zone, seq) -> None:
    at = (T0 + timedelta(microseconds=micro)).astimezone(zone)
    line = spool.encode(CallEvent(uid, sid, hotline, at, seq, kind, data))
    for read in (line, line[:-1]):  # as encode ends it, and as the spool's reads give it
        [decoded] = spool.decode_lines([read])
        event = spool.decode(read)
        assert type(decoded) is spool.Line
        assert [getattr(decoded, name) for name in ("uid", "call_sid", "hotline", "at", "seq",
                                                    "kind", "data")] == [
            event.uid, event.call_sid, event.hotline, event.at, event.seq, event.kind, event.data]
        assert decoded.at_text == store.naive(event.at).isoformat(" ", "microseconds")
        assert decoded.data_text == json.dumps(event.data)  # SQLAlchemy's JSON text on SQLite


def test_other_lines_are_read_as_decode_reads_them() -> None:
    """Whitespace, another key order, a time not in UTC: decode's reading, texts made."""
    event = CallEvent("u1", "CA1", "main", T0, 0, Kind.MENU_ENTERED, {"menu": "main"})
    record = json.loads(spool.encode(event))
    others = [b"  " + spool.encode(event),
              json.dumps(dict(reversed(record.items()))).encode(),
              json.dumps(record, separators=(",", ":")).encode(),
              json.dumps({**record, "at": T0.astimezone(timezone(timedelta(hours=9))).isoformat()
                          }).encode()]
    for line in others:
        [decoded] = spool.decode_lines([line])
        assert (decoded.uid, decoded.at, decoded.data) == ("u1", T0, {"menu": "main"})
        assert decoded.at_text == "2026-01-05 01:00:00.000000"
        assert decoded.data_text == '{"menu": "main"}'
    assert spool.decode_lines([b'{"uid": 1', b"[1]", b"", b'{"uid": "u"} x']) == []
