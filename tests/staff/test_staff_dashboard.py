"""The dashboard: headline numbers, the six charts (parsed), their tables and empty states."""

from __future__ import annotations

import html
import re

import pytest

from .staff_support import svg_of, text

FIGURES = ("chart-calls-per-day", "chart-heatmap-all", "chart-heatmap-closed", "chart-drop-off",
           "chart-services", "chart-languages")


@pytest.fixture
def database_url(tmp_path) -> str:
    """SQLite only: the SQL behind these pages is the call log's, tested on both databases."""
    return f"sqlite:///{tmp_path / 'staff.sqlite3'}"


def tiles(page: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r'<li class="tile" id="(tile-\w+)"><span class="tile-value">([\d,]+)</span>'
                       r'.*?(?:<span class="tile-share">(\d+%) of calls</span>)?</li>', page,
                       re.DOTALL)
    return {ident: (value, share) for ident, value, share in found}


def bars(page: str, figure: str) -> list[str]:
    return [rect.find("title").text for rect in svg_of(page, figure).iter("rect")
            if rect.get("class") == "bar"]


def test_the_dashboard_of_the_last_30_days(logged, viewer_client) -> None:
    response = viewer_client.get("/staff")
    page = text(response)
    assert response.status_code == 200
    assert 'id="period-summary">2026-10-26 to 2026-11-24 (Japan dates).' in page
    assert '<input id="period-from" name="from" type="date" value="2026-10-26"' in page
    assert tiles(page) == {"tile-calls": ("5", ""), "tile-connected": ("1", "20%"),
                           "tile-told": ("1", "20%"), "tile-closed": ("1", "20%"),
                           "tile-dropped": ("2", "40%")}
    for figure in FIGURES:
        assert f'<figure class="figure" id="{figure}"' in page
    assert bars(page, "chart-calls-per-day") == [
        "20 Nov: Connected 1", "21 Nov: Found it closed 1", "22 Nov: Silence 1",
        "23 Nov: Hung up in a menu 1", "24 Nov: Told a number 1"]
    day_labels = [t.text for t in svg_of(page, "chart-calls-per-day").iter("text")
                  if t.get("class") == "x-label"]
    assert day_labels == ["26 Oct", "28 Oct", "30 Oct", "1 Nov", "3 Nov", "5 Nov", "7 Nov",
                          "9 Nov", "11 Nov", "13 Nov", "15 Nov", "17 Nov", "19 Nov", "21 Nov",
                          "23 Nov"]
    assert bars(page, "chart-drop-off") == ["the language choice: Silence 1",
                                            "menu legal: Hung up in a menu 1"]
    assert bars(page, "chart-languages") == [
        "English (en): Calls 2", "Tagalog (tl): Calls 1", "vi: Calls 1",
        "no language chosen: Calls 1"]
    assert bars(page, "chart-services") == [
        "no service chosen: Calls 2", "Human rights line for foreigners: Calls 1",
        "IOM Tokyo: Calls 1", "Tokyo police English line: Calls 1"]


def test_the_heatmaps(logged, viewer_client) -> None:
    page = text(viewer_client.get("/staff"))
    every = {c.find("title").text for c in svg_of(page, "chart-heatmap-all").iter("rect")
             if c.get("fill") != "#FFFFFF"}
    assert every == {"Fri 10:00-11:00: 1 call", "Sat 12:00-13:00: 1 call",
                     "Sun 09:00-10:00: 1 call", "Mon 23:00-24:00: 1 call",
                     "Tue 00:00-01:00: 1 call"}
    closed = svg_of(page, "chart-heatmap-closed")
    assert len([c for c in closed.iter("rect") if c.get("class") == "cell"]) == 168
    assert [c.find("title").text for c in closed.iter("rect") if c.get("fill") != "#FFFFFF"] \
        == ["Sat 12:00-13:00: 1 call"]
    assert closed.get("aria-label") == ("1 calls that found their service closed by weekday "
                                        "and hour, Japan time. Busiest: Sat 12:00, 1.")


def test_the_numbers_as_tables_lead_to_the_calls(logged, viewer_client) -> None:
    page = html.unescape(text(viewer_client.get("/staff")))
    assert ('<th scope="row"><a href="/staff/calls?from=2026-10-26&to=2026-11-24&language=en">'
            "English (en)</a></th>") in page
    assert '<th scope="row"><a href="/staff/calls?from=2026-11-21&to=2026-11-21">2026-11-21' \
        in page
    assert ('<th scope="row"><a href="/staff/calls?from=2026-10-26&to=2026-11-24&menu=legal">'
            "menu legal</a></th>") in page
    assert ('<th scope="row"><a href="/staff/calls?from=2026-10-26&to=2026-11-24&menu=language">'
            "the language choice</a></th>") in page
    assert 'id="period-calls"' in page


@pytest.mark.parametrize(("query", "calls"), [
    ("?from=2026-11-22&to=2026-11-23", "2"),
    ("?from=2026-11-24", "1"),
    ("?hotline=main", "5"),
])
def test_the_period_and_hotline_filters(logged, viewer_client, query, calls) -> None:
    assert tiles(text(viewer_client.get("/staff" + query)))["tile-calls"] == (calls, "")


def test_an_empty_period_is_said_plainly(logged, viewer_client) -> None:
    page = text(viewer_client.get("/staff?hotline=kansai"))
    assert tiles(page)["tile-calls"] == ("0", "")
    assert "<svg viewBox" not in page
    for message in ("No calls in this period.",
                    "No caller found a service closed in this period.",
                    "No caller dropped off in a menu in this period."):
        assert f'<p class="empty">{message}</p>' in page


def test_a_dashboard_without_any_call(viewer_client) -> None:
    response = viewer_client.get("/staff")
    assert response.status_code == 200
    assert text(response).count('<p class="empty">') == 6


def test_a_long_period_is_drawn_by_week(logged, viewer_client) -> None:
    page = text(viewer_client.get("/staff?from=2026-01-01&to=2026-12-31"))
    assert '<h2 id="chart-calls-per-day-title">Calls per week by outcome</h2>' in page
    assert bars(page, "chart-calls-per-day") == [
        "16 Nov: Connected 1", "16 Nov: Found it closed 1", "16 Nov: Silence 1",
        "23 Nov: Told a number 1", "23 Nov: Hung up in a menu 1"]  # Monday 23 Nov starts a week


@pytest.mark.parametrize(("query", "problem"), [
    ("?from=2026-11-31", "From: &#39;2026-11-31&#39; is not a date"),
    ("?from=2026-11-20&to=2026-11-10", "To: the last day is before the first day."),
    ("?from=2000-01-01&to=2026-11-01", "Period: choose at most ten years."),
    ("?hotline=a%20b", "Hotline: &#39;a b&#39; is not a hotline name."),
])
def test_bad_parameters_say_what_is_wrong(viewer_client, query, problem) -> None:
    response = viewer_client.get("/staff" + query)
    assert response.status_code == 400
    assert problem in text(response)
    assert '<figure' not in text(response)
