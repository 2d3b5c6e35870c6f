"""What the call log tests share besides fixtures: a key, a start time, call scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import admin, with_schema  # noqa: F401 - shared with the call log tests

from ivr.call.events import CallEvent, EndReason, Kind

KEY = "test-hash-key"
# Monday 5 January 2026, 10:00 in Japan.
T0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


class Script:
    """The events of one call, a second apart, stamped as the voice views stamp them."""

    def __init__(self, call_sid: str = "CA0001", start: datetime = T0,
                 hotline: str = "main") -> None:
        self.call_sid, self.hotline, self.at = call_sid, hotline, start
        self.events: list[CallEvent] = []

    def add(self, kind: Kind, *, seq: int = 0, uid: str | None = None, **data: Any) -> CallEvent:
        if seq == 0 and self.events:
            self.at += timedelta(seconds=1)
        uid = uid or f"{self.call_sid}-{len(self.events):03d}"
        event = CallEvent(uid, self.call_sid, self.hotline, self.at, seq, kind, data)
        self.events.append(event)
        return event

    def started(self, caller: str = "+819012345678") -> Script:
        self.add(Kind.CALL_STARTED, caller=caller, to="+815017654321", hotline=self.hotline)
        return self

    def status(self, status: str = "completed", duration: str = "95") -> CallEvent:
        return self.add(Kind.CALL_STATUS, uid=f"{self.call_sid}:status:{status}",
                        status=status, duration=duration)

    def connected(self, language: str = "en", service: str = "police") -> Script:
        """A caller who picks a language, then a service, and is put through."""
        self.add(Kind.MENU_ENTERED, menu="language")
        self.add(Kind.KEY_PRESSED, menu="language", digit="1")
        self.add(Kind.LANGUAGE_CHOSEN, seq=1, language=language)
        self.add(Kind.MENU_ENTERED, menu="main")
        self.add(Kind.KEY_PRESSED, menu="main", digit="2")
        self.add(Kind.SERVICE_CHOSEN, seq=1, service=service, menu="main")
        self.add(Kind.DIAL_STARTED, seq=2, service=service, number="+81335010110")
        self.add(Kind.DIAL_RESULT, service=service, dial_status="completed", dial_duration="80")
        self.add(Kind.CALL_ENDED, seq=1, where=service, reason=EndReason.DIALLED)
        return self


def webhooks(events: list[CallEvent]) -> list[list[CallEvent]]:
    """Return the events grouped by request: the events of one webhook share their time."""
    found: dict[datetime, list[CallEvent]] = {}
    for event in events:
        found.setdefault(event.at, []).append(event)
    return list(found.values())
