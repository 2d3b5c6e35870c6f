"""What a fault must not change: each caller's answers, and each call's record in the log.

A call played while the database fails must hear exactly what a call played
while it is fine hears (the same TwiML, byte for byte, at every step), and
the log must end up holding every call once, with the same events in the
same order and the same outcome. These functions list what differs; the
tests assert the lists are empty, ``bench/faults.py`` prints their sizes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bench.faultsbench.hotline import Played, Record

# The call every caller plays (fixture menus): its webhooks and their TwiML verbs.
PATHS = ["/voice", "/voice/language", "/voice/menu", "/voice/dialled", "/voice/status"]
VERBS = {
    "/voice": ["Gather(Say,Say,Say,Say,Say,Say,Say,Say,Say)", "Redirect()"],
    "/voice/language": ["Gather(Say,Say,Say,Say,Say,Say,Say,Say)", "Redirect()"],
    "/voice/menu": ["Say(prosody)", "Dial(Number)"],
    "/voice/dialled": ["Say(prosody)", "Hangup()"],
    "/voice/status": [],
}
KINDS = ("call_started", "emergency_advice", "menu_entered", "key_pressed", "language_chosen",
         "menu_entered", "key_pressed", "service_chosen", "dial_started", "dial_result",
         "call_ended", "call_status")
ENDING = ["-> dials +81335010110 (rings 30 s, caller ID +815000000000): completed",
          "[en-US] Thank you for calling. Take care. Goodbye.",
          "-> the app hangs up"]


def reference_problems(call: Played) -> list[str]:
    """What is wrong with a call played while the database is fine (the reference)."""
    found = [f"{call.sid}: {call.error}"] if call.error else []
    if [step.path for step in call.steps] != PATHS:
        found.append(f"{call.sid}: webhooks {[step.path for step in call.steps]}")
    for step in call.steps:
        if step.status != 200 or step.verbs() != VERBS.get(step.path):
            found.append(f"{call.sid} {step.path}: {step.status} {step.body[:200]!r}")
    if call.lines[-3:] != ENDING:
        found.append(f"{call.sid}: ends {call.lines[-3:]}")
    return found


def answer_problems(calls: Iterable[Played], reference: Played) -> list[str]:
    """What callers heard differently from the reference call (a failure, another TwiML)."""
    found = []
    for call in calls:
        if call.error:
            found.append(f"{call.sid}: {call.error}")
        elif [(s.path, s.status, s.body) for s in call.steps] != [
                (s.path, s.status, s.body) for s in reference.steps]:
            found.append(f"{call.sid}: answered " + ", ".join(
                f"{s.path} {s.status}" for s in call.steps))
        elif call.lines != reference.lines:
            found.append(f"{call.sid}: heard {call.lines}")
    return found


@dataclass
class Tally:
    """The log against the calls played: expected, stored, and what is wrong."""

    expected: int
    stored: int
    duplicates: int
    problems: list[str]


def log_tally(total: int, records: dict[str, Record], sids: Iterable[str]) -> Tally:
    """Count the event rows against ``KINDS`` per call played; list calls missing, extra or
    different (events missing, repeated or out of order, another outcome)."""
    sids = list(sids)
    want = Record(KINDS, "connected", "completed", len(KINDS))
    problems = [f"{sid}: not in the log" for sid in sids if sid not in records]
    problems += [f"{sid}: in the log, never called" for sid in set(records) - set(sids)]
    problems += [f"{sid}: {records[sid]}" for sid in sids
                 if sid in records and records[sid] != want]
    expected = len(sids) * len(KINDS)
    return Tally(expected, total, max(0, total - expected), problems)
