"""The calls list (filters, order, keyset pages) and a call's page with its timeline.

For viewers and admins. A page of the list is one index range scan however
deep it is (keyset, never OFFSET), plus one grouped count of the page's
callers for the "repeat caller" marker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.engine import Connection
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.calllog import store
from ivr.calllog.listing import cursor_of, list_calls
from ivr.calllog.schema import calls as calls_table
from ivr.calllog.store import Call
from ivr.staff import auth, filters, layout, notices, timeline
from ivr.staff.filters import CallsQuery
from ivr.staff.names import Names

bp = Blueprint("staff_calls", __name__, url_prefix="/staff")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    """One page of the list, with the cursors of the pages beside it (None: none there)."""

    calls: list[Call]
    next_after: str | None
    previous_before: str | None
    first: bool  # this is the first page


@bp.get("/calls")
def calls() -> ResponseReturnValue:
    """The calls list, filtered by the query string; problems answer 400 with the form."""
    query, problems = filters.calls_query(request.args)
    context = {"query": query, "names": layout.names(), "problems": problems}
    if problems:
        return render_template("staff/calls.html", **context), 400
    connection = calllog.connection()
    listing = browse(connection, query)
    return render_template("staff/calls.html", listing=listing,
                           repeats=repeat_counts(connection, listing.calls),
                           hotline_column=hotline_column(context["names"], listing.calls),
                           **context)


@bp.get("/calls/<sid>")
def call(sid: str) -> ResponseReturnValue:
    """One call: its summary and the timeline of its events in Japan time."""
    connection = calllog.connection()
    found = store.get_call(connection, sid[:64])
    if found is None:
        abort(404, description=f"The call log has no call {sid[:64]}.")
    names = layout.names()
    events = store.events_of(connection, found.id)
    moments = timeline.timeline(events, names, notices.causes(connection, events))
    return render_template("staff/call.html", call=found, moments=moments, names=names,
                           repeats=repeat_counts(connection, [found]))


def browse(connection: Connection, query: CallsQuery) -> Listing:
    """Return the page the query names: from the start, after a cursor, or before one."""
    if query.before is not None:
        back = list_calls(connection, query.where, newest_first=not query.newest_first,
                          limit=PAGE_SIZE, after=query.before)
        if back.next_cursor is None:  # that reaches the start: show the first page itself
            return browse(connection, replace(query, before=None))
        shown = list(reversed(back.calls))
        return Listing(shown, cursor_of(shown[-1]), cursor_of(shown[0]), first=False)
    page = list_calls(connection, query.where, newest_first=query.newest_first,
                      limit=PAGE_SIZE, after=query.after)
    previous = cursor_of(page.calls[0]) if query.after and page.calls else None
    return Listing(page.calls, page.next_cursor, previous, first=query.after is None)


def hotline_column(names: Names, shown: Iterable[Call]) -> bool:
    """Return whether the list needs a hotline column: not when there is only one hotline."""
    known = set(names.tree.hotlines) if names.tree else set()
    return len(known | {call.hotline for call in shown}) > 1


def repeat_counts(connection: Connection, shown: Iterable[Call]) -> dict[str, int]:
    """Return how many logged calls each caller (by hash) of ``shown`` has made."""
    hashes = sorted({call.caller_hash for call in shown if call.caller_hash})
    if not hashes:
        return {}
    column = calls_table.c.caller_hash
    query = sa.select(column, sa.func.count()).where(column.in_(hashes)).group_by(column)
    return {caller: int(count) for caller, count in connection.execute(query)}
