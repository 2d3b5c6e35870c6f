"""The dashboard's figures: each chart with its title, its numbers as a table, or an empty state.

Pure: the counts of ``ivr.calllog.dashboard`` and names in, figures out; a
``link`` function (given by the view) turns filter arguments into a URL of
the calls list, so each row of a table leads to the calls it counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ivr.calllog.outcome import Outcome
from ivr.staff import charts
from ivr.staff.charts import Chart, Series
from ivr.staff.names import COLOURS, OUTCOMES, Names

Link = Callable[..., str]
OUTCOME_SERIES = tuple(Series(str(o), OUTCOMES[o], COLOURS[o]) for o in (
    Outcome.CONNECTED, Outcome.TOLD_NUMBER, Outcome.DIAL_FAILED, Outcome.CLOSED,
    Outcome.ENDED_IN_MENU, Outcome.NO_INPUT))
DROP_SERIES = OUTCOME_SERIES[4:]
CALLS = (Series("calls", "Calls", "#0072B2"),)


@dataclass(frozen=True)
class Row:
    """A row of a figure's table: its label, where it leads (or None), its numbers."""

    label: str
    link: str | None
    values: tuple[int, ...]


@dataclass(frozen=True)
class Figure:
    """A chart with its heading, its numbers as a table, and what to say when it is empty."""

    id: str
    title: str
    note: str
    chart: Chart | None  # None: nothing to draw, show ``empty``
    empty: str
    head: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    totals: bool = False  # the table ends with a total column


def spans(first: date, last: date) -> tuple[str, list[date]]:
    """Return the unit of the per-day chart (day, week or month) and the start of each span."""
    days = (last - first).days + 1
    if days <= 92:
        return "day", [first + timedelta(days=i) for i in range(days)]
    if days <= 731:
        monday = first - timedelta(days=first.weekday())
        return "week", [monday + timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return "month", [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1,
                          1) for i in range(months)]


def span_of(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if unit == "month" else day


def span_label(start: date, unit: str) -> str:
    return f"{start:%b %Y}" if unit == "month" else f"{start.day} {start:%b}"


def per_day(counts: Sequence[tuple[date, str, int]], first: date, last: date,
            link: Link) -> Figure:
    """Calls per day (or week, or month) by outcome, as stacked columns."""
    unit, starts = spans(first, last)
    index = {start: i for i, start in enumerate(starts)}
    values: Counter[tuple[int, str]] = Counter()
    for day, outcome, count in counts:
        values[(index[span_of(day, unit)], outcome)] += count
    labels = [span_label(start, unit) for start in starts]
    total = sum(values.values())
    title = f"Calls per {unit} by outcome"
    summary = f"{title}, {first.day} {first:%b %Y} to {last.day} {last:%b %Y}: {total:,} calls."
    rows = tuple(Row(start.isoformat(), _span_link(link, start, unit, first, last),
                     tuple(values[(i, s.key)] for s in OUTCOME_SERIES)) for i, start in
                 enumerate(starts))
    chart = charts.columns(labels, OUTCOME_SERIES, values, summary=summary) if total else None
    return Figure("chart-calls-per-day", title, f"Each column is one {unit}, Japan dates.",
                  chart, "No calls in this period.",
                  (unit.capitalize(), *(s.label for s in OUTCOME_SERIES)), rows, totals=True)


def _span_link(link: Link, start: date, unit: str, first: date, last: date) -> str:
    """Return the link to the calls of one span, within the period."""
    end = {"day": start, "week": start + timedelta(days=6)}.get(unit)
    if end is None:  # the last day of the month
        end = span_of(start.replace(day=28) + timedelta(days=4), "month") - timedelta(days=1)
    return link(**{"from": max(start, first).isoformat(), "to": min(end, last).isoformat()})


def week_heatmap(counts: Mapping[tuple[int, int], int], *, closed: bool) -> Figure:
    """Calls by Japan weekday and hour: all of them, or those that found a service closed."""
    total, busiest = sum(counts.values()), max(counts.items(), key=lambda kv: kv[1], default=None)
    what = "calls that found their service closed" if closed else "calls"
    summary = f"{total:,} {what} by weekday and hour, Japan time."
    if busiest:
        (day, hour), count = busiest
        summary += f" Busiest: {charts.WEEKDAYS[day]} {hour:02d}:00, {count:,}."
    chart = charts.heatmap(counts, summary=summary,
                           palette=charts.PURPLES if closed else charts.BLUES) if total else None
    rows = tuple(Row(name, None, tuple(counts.get((day, hour), 0) for hour in range(24)))
                 for day, name in enumerate(charts.WEEKDAYS))
    return Figure("chart-heatmap-closed" if closed else "chart-heatmap-all",
                  "When callers found a service closed" if closed else "When people call",
                  f"Number of {what} in each hour of the week (Japan time).", chart,
                  "No caller found a service closed in this period." if closed else
                  "No calls in this period.", ("Day", *(f"{h:02d}" for h in range(24))), rows)


def drop_off(counts: Sequence[tuple[str | None, str, int]], names: Names, link: Link) -> Figure:
    """Where callers dropped off: per menu, hung up or silent."""
    menus = list(dict.fromkeys(menu for menu, _, _ in counts))
    values = Counter({(menus.index(menu), outcome): count for menu, outcome, count in counts})
    labels = [names.menu(menu) for menu in menus]
    summary = "Calls that ended in a menu, by menu: " + ", ".join(
        f"{label} {sum(values[(i, s.key)] for s in DROP_SERIES):,}"
        for i, label in enumerate(labels)) + "."
    rows = tuple(Row(label, link(menu=menu) if menu else None,
                     tuple(values[(i, s.key)] for s in DROP_SERIES))
                 for i, (label, menu) in enumerate(zip(labels, menus, strict=True)))
    chart = charts.bars(labels, DROP_SERIES, values, summary=summary) if counts else None
    return Figure("chart-drop-off", "Where callers drop off",
                  "Calls that ended in a menu: the caller hung up, or stayed silent.", chart,
                  "No caller dropped off in a menu in this period.",
                  ("Menu", *(s.label for s in DROP_SERIES)), rows, totals=True)


def counted(counts: Sequence[tuple[str | None, int]], *, column: str, names: Names,
            link: Link) -> Figure:
    """Calls per language or per service, most first."""
    name = names.language if column == "language" else names.service
    labels = [name(value) for value, _ in counts]
    values = {(i, "calls"): count for i, (_, count) in enumerate(counts)}
    summary = f"Calls by {column}: " + ", ".join(
        f"{label} {count:,}" for label, (_, count) in zip(labels, counts, strict=True)) + "."
    rows = tuple(Row(label, link(**{column: value}) if value else None, (count,))
                 for label, (value, count) in zip(labels, counts, strict=True))
    chart = charts.bars(labels, CALLS, values, summary=summary) if counts else None
    return Figure(f"chart-{column}s", f"Calls per {column}",
                  f"Calls by the {column} the caller chose.", chart, "No calls in this period.",
                  (column.capitalize(), "Calls"), rows)


@dataclass(frozen=True)
class Tile:
    """A headline number of the period."""

    id: str
    label: str
    value: int
    share: str  # of all calls, "" for the total itself


def tiles(counts: Sequence[tuple[date, str, int]], closed: int) -> list[Tile]:
    """Return the period's headline numbers: calls, connected, told, found closed, dropped."""
    by_outcome: Counter[str] = Counter()
    for _day, outcome, count in counts:
        by_outcome[outcome] += count
    total = sum(by_outcome.values())
    dropped = by_outcome[Outcome.ENDED_IN_MENU] + by_outcome[Outcome.NO_INPUT]

    def tile(ident: str, label: str, value: int) -> Tile:
        return Tile(ident, label, value, f"{value / total:.0%}" if total else "")

    return [Tile("tile-calls", "Calls", total, ""),
            tile("tile-connected", "Connected", by_outcome[Outcome.CONNECTED]),
            tile("tile-told", "Told a number", by_outcome[Outcome.TOLD_NUMBER]),
            tile("tile-closed", "Found a service closed", closed),
            tile("tile-dropped", "Dropped off in a menu", dropped)]
