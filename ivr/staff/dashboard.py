"""The dashboard: a period's calls per day by outcome, week heatmaps, drop-off, languages, services.

For viewers and admins. Every number comes from the call log's tallies
(``ivr.calllog.dashboard``), a few rows per Japan day, so a year of a busy
hotline is summed in milliseconds; the default period is the last 30 days.
Above them, the notices in force and to come (``notices``).
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.engine import Connection
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.calllog import dashboard as counts
from ivr.calllog.dashboard import Period
from ivr.calllog.outcome import JAPAN
from ivr.staff import auth, figures, filters, layout, notices
from ivr.staff.figures import Figure, Tile
from ivr.staff.names import Names

bp = Blueprint("staff_dashboard", __name__, url_prefix="/staff")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)


@bp.get("")
def dashboard() -> ResponseReturnValue:
    """The dashboard of the period in the query string (default: the last 30 days)."""
    now = layout.now()
    period, problems = filters.period(request.args, now.astimezone(JAPAN).date())
    names = layout.names()
    context = {"period": period, "names": names, "problems": problems, "now": now,
               "notices": notices.current(calllog.connection(), now)}
    if problems:
        return render_template("staff/dashboard.html", tiles=[], figures=[], **context), 400
    tiles, shown = report(calllog.connection(), period, names)
    return render_template("staff/dashboard.html", tiles=tiles, figures=shown,
                           calls_link=calls_link(period), **context)


def calls_link(period: Period, **args: str | None) -> str:
    """Return the URL of the calls list of the period, with more filter ``args``."""
    base = {"from": period.date_from.isoformat() if period.date_from else None,
            "to": period.date_to.isoformat() if period.date_to else None,
            "hotline": period.hotline}
    return url_for("staff_calls.calls", **{k: v for k, v in {**base, **args}.items() if v})


def report(connection: Connection, period: Period, names: Names) -> tuple[list[Tile],
                                                                          list[Figure]]:
    """Return the period's headline numbers and figures (six reads of the tallies)."""
    link = partial(calls_link, period)
    per_day = counts.calls_per_day(connection, period)
    closed = counts.heatmap(connection, period, closed_only=True)
    shown = [
        figures.per_day(per_day, period.date_from, period.date_to, link),
        figures.week_heatmap(counts.heatmap(connection, period), closed=False),
        figures.week_heatmap(closed, closed=True),
        figures.drop_off(counts.drop_off(connection, period), names, link),
        figures.counted(counts.counts_by(connection, period, "language"), column="language",
                        names=names, link=link),
        figures.counted(counts.counts_by(connection, period, "service"), column="service",
                        names=names, link=link),
    ]
    return figures.tiles(per_day, sum(closed.values())), shown
