"""Exports of the call log for staff: CSV (calls) and JSON (calls with their events).

Both stream page by page (keyset), so a large export holds little in memory.
Times are UTC (ISO 8601) with a Japan-time column beside each; CSV cells are
defused against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy.engine import Connection

from ivr.calllog.listing import CallFilter, list_calls
from ivr.calllog.outcome import JAPAN
from ivr.calllog.store import Call, events_of_calls

COLUMNS = (
    "call_sid", "hotline", "started_at", "started_at_japan", "ended_at", "ended_at_japan",
    "duration", "status", "language", "caller_hash", "caller_masked", "caller_number",
    "outcome", "outcome_menu", "service", "hit_closed", "event_count",
)
# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def utc(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def japan(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(JAPAN).isoformat(timespec="seconds")


def record_of(call: Call) -> dict[str, Any]:
    """Return a call as the flat record both formats export."""
    record = {name: getattr(call, name, None) for name in COLUMNS}
    record.update(started_at=utc(call.started_at), started_at_japan=japan(call.started_at),
                  ended_at=utc(call.ended_at), ended_at_japan=japan(call.ended_at))
    return record


def pages(connection: Connection, where: CallFilter, size: int = 1000) -> Iterator[list[Call]]:
    """Yield the calls that match, oldest first, a page at a time."""
    cursor = None
    while True:
        page = list_calls(connection, where, newest_first=False, limit=size, after=cursor)
        if page.calls:
            yield page.calls
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def export_csv(connection: Connection, where: CallFilter, out: TextIO) -> int:
    """Write the calls as CSV (header first, CRLF lines); return how many."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for page in pages(connection, where):
        for call in page:
            writer.writerow([_cell(value) for value in record_of(call).values()])
        count += len(page)
    return count


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return defuse(str(value))


def export_json(connection: Connection, where: CallFilter, out: TextIO) -> int:
    """Write the calls, each with its ordered events, as one JSON array; return how many."""
    count = 0
    out.write("[")
    for page in pages(connection, where):
        events = events_of_calls(connection, [call.id for call in page])
        for call in page:
            record = record_of(call)
            record["events"] = [{"at": utc(e.at), "at_japan": japan(e.at), "kind": str(e.kind),
                                 "data": dict(e.data)} for e in events.get(call.id, [])]
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False))
            count += 1
    out.write("\n]\n" if count else "]\n")
    return count
