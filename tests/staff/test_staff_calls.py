"""The calls list (filters, order, keyset pages, repeat callers) and a call's page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from conftest import SID

from ivr.staff import calls

from .staff_support import A, silent, text, write


def sids(response) -> list[str]:
    return re.findall(r'<tr data-call-sid="([^"]+)">', text(response))


def link(response, ident: str) -> str | None:
    found = re.search(rf'id="{ident}"(?: rel="\w+")? href="([^"]+)"', text(response))
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["CA5", "CA4", "CA3", "CA2", "CA1"]),
    ("?sort=oldest", ["CA1", "CA2", "CA3", "CA4", "CA5"]),
    ("?from=2026-11-21&to=2026-11-23", ["CA4", "CA3", "CA2"]),  # Japan days, both included
    ("?to=2026-11-23", ["CA4", "CA3", "CA2", "CA1"]),
    ("?from=2026-11-24", ["CA5"]),
    ("?language=en", ["CA5", "CA1"]),
    ("?service=iom", ["CA2"]),
    ("?outcome=closed", ["CA2"]),
    ("?outcome=ended_in_menu&menu=legal", ["CA4"]),
    ("?hotline=main&language=en&sort=oldest", ["CA1", "CA5"]),
    ("?hotline=kansai", []),
    ("?language=&service=&outcome=&from=&to=", ["CA5", "CA4", "CA3", "CA2", "CA1"]),
])
def test_filters_and_order(logged, viewer_client, query, expected) -> None:
    response = viewer_client.get("/staff/calls" + query)
    assert response.status_code == 200
    assert sids(response) == expected
    if not expected:
        assert "No calls match these filters." in text(response)


def test_a_row(logged, viewer_client) -> None:
    page = text(viewer_client.get("/staff/calls?service=iom"))
    row = page[page.index('<tr data-call-sid="CA2">'):page.index("</tr>", page.index("CA2"))]
    cells = [re.sub(r"<[^>]+>|\s+", " ", cell).split() for cell in re.findall(
        r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
    assert [" ".join(cell) for cell in cells] == [
        "2026-11-21 12:45:00", "Tagalog (tl)", "+81 80-****-**22", "IOM Tokyo",
        "Found it closed", "-"]
    assert '<a href="/staff/calls/CA2"><time datetime="2026-11-21T03:45:00+00:00">' in row
    assert 'data-label="Hotline"' not in page  # one hotline: no column for it


def test_repeat_callers_are_marked_and_listed(logged, viewer_client) -> None:
    response = viewer_client.get("/staff/calls")
    page = text(response)
    marks = re.findall(r'<a class="repeat" href="([^"]+)">(\d+) calls', page)
    assert [count for _, count in marks] == ["3", "3", "3"]  # CA5, CA3, CA1
    assert len({href for href, _ in marks}) == 1
    theirs = viewer_client.get(html.unescape(marks[0][0]))
    assert sids(theirs) == ["CA5", "CA3", "CA1"]
    assert 'id="chip-caller"' in text(theirs)


def test_the_hotline_column_appears_with_a_second_hotline(app, viewer_client) -> None:
    write(app, silent("CA1", "2026-11-20 10:00"),
          silent("CA2", "2026-11-20 11:00", hotline="kansai"))
    page = text(viewer_client.get("/staff/calls"))
    assert '<td data-label="Hotline">kansai</td>' in page
    assert '<td data-label="Hotline">Help line for foreign residents of Japan</td>' in page


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_keyset_pages_forward_and_back(logged, viewer_client, monkeypatch, order) -> None:
    monkeypatch.setattr(calls, "PAGE_SIZE", 2)
    everything = ["CA5", "CA4", "CA3", "CA2", "CA1"]
    if order == "oldest":
        everything.reverse()
    first = viewer_client.get(f"/staff/calls?sort={order}&language=")
    assert sids(first) == everything[:2]
    assert link(first, "page-previous") is None and link(first, "page-first") is None
    second = viewer_client.get(link(first, "page-next"))
    assert sids(second) == everything[2:4]
    third = viewer_client.get(link(second, "page-next"))
    assert sids(third) == everything[4:]
    assert link(third, "page-next") is None
    assert link(third, "page-first") == f"/staff/calls?sort={order}".replace("?sort=newest", "")
    back = viewer_client.get(link(third, "page-previous"))
    assert sids(back) == everything[2:4]
    start = viewer_client.get(link(back, "page-previous"))
    assert sids(start) == everything[:2]
    assert link(start, "page-previous") is None and link(start, "page-next")


def test_pages_keep_the_filter(logged, viewer_client, monkeypatch) -> None:
    monkeypatch.setattr(calls, "PAGE_SIZE", 1)
    first = viewer_client.get("/staff/calls?language=en")
    following = link(first, "page-next")
    assert following.startswith("/staff/calls?language=en&after=")
    assert sids(viewer_client.get(following)) == ["CA1"]


@pytest.mark.parametrize(("query", "problem"), [
    ("?from=2026-02-30", "From: &#39;2026-02-30&#39; is not a date"),
    ("?outcome=great", "Outcome: &#39;great&#39; is not an outcome."),
    ("?after=garbage", "Page: this page link is not valid; go back to the first page."),
    ("?language=%3Cb%3E", "Language: &#39;&lt;b&gt;&#39; is not a language name."),
])
def test_bad_parameters_say_what_is_wrong(logged, viewer_client, query, problem) -> None:
    response = viewer_client.get("/staff/calls" + query)
    assert response.status_code == 400
    page = text(response)
    assert '<div class="problem" role="alert" id="filter-problems">' in page
    assert problem in page
    assert 'id="calls-table"' not in page


def test_the_filters_are_chosen_from_the_menus(logged, viewer_client) -> None:
    page = text(viewer_client.get("/staff/calls?service=gone"))
    for option in ('<label for="filter-from">From (Japan date)</label>',
                   '<input id="filter-from" name="from" type="date"',
                   '<select id="filter-service" name="service">',
                   '<option value="iom">IOM Tokyo</option>',
                   '<option value="tl">Tagalog (tl)</option>',
                   '<option value="closed">Found it closed</option>',
                   '<option value="gone" selected>gone</option>'):
        assert option in page


def test_without_menus_the_filters_are_typed(logged, app, viewer_client) -> None:
    app.extensions["ivr.menus"].current = None
    response = viewer_client.get("/staff/calls?service=iom")
    page = text(response)
    assert response.status_code == 200
    assert 'id="no-menus"' in page
    assert '<input id="filter-service" name="service" type="text" value="iom"' in page
    assert sids(response) == ["CA2"]
    assert "<td data-label=\"Service\">iom</td>" in page


def moments(response) -> list[tuple[str, str]]:
    return re.findall(r'<time datetime="[^"]+">(\d\d:\d\d:\d\d)</time>.*?'
                      r'<span class="what">(.*?)</span>', text(response), re.DOTALL)


def test_a_call_page_tells_its_timeline(logged, viewer_client) -> None:
    response = viewer_client.get("/staff/calls/CA2")
    assert response.status_code == 200
    assert [(at, html.unescape(what)) for at, what in moments(response)] == [
        ("12:45:00", "Call from +81 80-****-**22 to +815017654321 "
                     "(Help line for foreign residents of Japan)"),
        ("12:45:01", "Heard the language choice"),
        ("12:45:02", "Pressed 3 in the language choice"),
        ("12:45:02", "Chose Tagalog (tl)"),
        ("12:45:03", "Heard menu main"),
        ("12:45:04", "Pressed 4 in menu main"),
        ("12:45:04", "Chose IOM Tokyo in menu main"),
        ("12:45:04", "IOM Tokyo was closed: lunch break; opens 13:30"),
    ]
    page = text(response)
    assert "<h1>Call on 2026-11-21 at 12:45 JST</h1>" in page
    assert '<dd id="call-outcome"><span class="outcome outcome-closed">Found it closed</span>' \
        in page
    assert '<div><dt>Found a service closed</dt><dd>Yes</dd></div>' in page
    assert 'id="repeat-calls"' not in page  # B called once


def test_a_call_page_links_to_the_callers_other_calls(logged, viewer_client) -> None:
    page = text(viewer_client.get("/staff/calls/CA1"))
    assert re.search(r'id="repeat-calls">3 calls from this caller</a>', page)
    assert "<div><dt>Duration</dt><dd>1 min 35 s</dd></div>" in page


def test_an_unknown_call_is_a_404_page(logged, viewer_client) -> None:
    response = viewer_client.get("/staff/calls/CAnope")
    assert response.status_code == 404
    assert '<p id="error-message">The call log has no call CAnope.</p>' in text(response)


def test_a_call_through_the_webhooks(app, client, viewer_client, clock) -> None:
    form = {"CallSid": SID, "From": A, "To": "+815000000000"}
    for url, digits in (("/voice", None), ("/voice/language?h=main&t=language", "1"),
                        ("/voice/menu?h=main&l=en&t=main", "4")):
        sent = {**form, "Digits": digits} if digits else form
        assert client.post(url, data=sent).status_code == 200
        clock.now += timedelta(seconds=4)
    assert app.extensions["calllog"].flush()
    assert sids(viewer_client.get("/staff/calls")) == [SID]
    texts = [html.unescape(what) for _, what in moments(viewer_client.get(f"/staff/calls/{SID}"))]
    assert texts == [
        "Call from +81 90-****-**78 to +815000000000 (Help line for foreign residents of Japan)",
        "Heard the 110/119 emergency advice in the greeting",
        "Heard the language choice",
        "Pressed 1 in the language choice",
        "Chose English (en)",
        "Heard menu main",
        "Pressed 4 in menu main",
        "Chose IOM Tokyo in menu main",
        "Dialled IOM Tokyo at +81335952487",
    ]
