"""Notices: admins close or open services for a while, with a reason callers hear.

"IOM closed today (office move)", "typhoon: all offices closed until 15:00",
"the consultation line is open this Saturday". Viewers and admins see the
notices in force, to come and recently ended; admins create and withdraw
them. A notice is stored with ``ivr.menustore.notices`` (which audits it),
then this worker's tree is reloaded at once; other workers and instances
follow within ``IVR_MENU_RELOAD_SECONDS``. Works whatever the menus source:
notices always come from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.engine import Connection

from ivr.call.events import CallEvent, Kind
from ivr.menustore import notices as store
from ivr.phonetree.notices import KEY

PREFIX = KEY.split("{")[0]  # "notice."


def causes(connection: Connection, events: Iterable[CallEvent]) -> dict[str, str]:
    """Word the notices that closed a service in ``events``: {"notice.12": "notice 12: ..."}.

    A notice the database no longer has is left out (the timeline shows its key)."""
    found: dict[str, str] = {}
    for event in events:
        cause = str(event.data.get("cause") or "") if event.kind is Kind.CLOSED else ""
        number = cause[len(PREFIX):]
        if not cause.startswith(PREFIX) or not number.isdigit() or cause in found:
            continue
        record = store.get(connection, int(number))
        if record is not None:
            found[cause] = f"notice {number}: {reason_text(record.notice.reason)}"
    return found


def reason_text(reason: Mapping[str, str]) -> str:
    """The reason as staff read it: in English when there is one, else the first language."""
    return reason.get("en") or next(iter(reason.values()), "no reason given")
