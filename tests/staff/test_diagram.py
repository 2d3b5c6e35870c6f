"""The diagram of the menus: an SVG drawn on the server (boxes, arrows, each service's state
now) and the same as a nested list. The SVG is parsed and checked box by box, arrow by arrow.

The apps keep their menus in the database (version 1: the fixture menus); the clock is
Tuesday 2026-11-24 12:45, IOM's lunch break.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from conftest import jst

from ivr.menustore import notices

from .staff_support import text
from .try_support import draft_with, menus_app, page

SERVICES = ["service:police@main:1", "service:police-consultation@main:2", "menu:legal",
            "service:iom@main:4", "menu:info"]
FURTHER = ["service:houterasu@legal:1", "service:human-rights@legal:2", "service:fresc@legal:3",
           "service:police@info:1", "service:police-consultation@info:2",
           "service:houterasu@info:3", "service:iom@info:4", "service:human-rights@info:5"]
IOM_CLOSED = "Closed now: lunch break; opens Tue 24 Nov 13:30"


@pytest.fixture
def app(staff_app, clock):
    clock.now = jst("2026-11-24 12:45")
    return menus_app(staff_app)


def svg_in(html: str) -> ET.Element:
    begin = html.index('<svg viewBox')
    return ET.fromstring(html[begin:html.index("</svg>", begin) + len("</svg>")])


def boxes(svg: ET.Element) -> dict[str, tuple[str, str, str, list[str]]]:
    """Each box: (state, title, subtitle, its rows' text)."""
    found = {}
    for group in svg.iter("g"):
        if "node" not in group.get("class", "").split():
            continue
        subtitle = " ".join(t.text for t in group.findall("text[@class='subtitle']"))
        rows = [" ".join(t.text for t in row.findall("text"))
                for row in group.findall("g[@class='row']")]
        title = " ".join(t.text for t in group.findall("text[@class='title']"))
        found[group.get("data-id")] = (group.get("data-state"), title, subtitle, rows)
    return found


def test_the_tree_is_drawn_box_by_box_and_arrow_by_arrow(admin_client) -> None:
    response = admin_client.get("/staff/menus/diagram")
    assert response.status_code == 200
    svg = svg_in(text(response))
    assert (svg.get("role"), svg.get("aria-labelledby")) == ("img", "diagram-title diagram-desc")
    assert svg.findtext("title") == \
        "The phone tree of Help line for foreign residents of Japan, in English"
    assert svg.findtext("desc") == (
        "From left to right: the language choice, 3 menus and 6 services, each after the key "
        "that leads to it, with each service's state now. The list below the drawing says "
        "the same.")
    assert [t.text for t in svg.findall("text[@class='heading']")] == [
        "Language choice", "First menu", "1 key in", "2 keys in"]
    found = boxes(svg)
    assert list(found) == ["languages", "menu:main", *SERVICES, *FURTHER]
    assert found["languages"] == ("menu", "Language choice", "the caller presses a key",
                                  ["1 English", "2 日本語", "3 Tagalog"])
    assert found["menu:main"][1:3] == ("Menu 'main'", "Please choose what you need.")
    assert found["menu:main"][3] == [
        "1 the Tokyo police, in English, 24 hours a day",
        "2 advice from the police in English, on weekdays",
        "3 free legal advice, and help with your rights",
        "4 help if someone forces you to work, or does not let you leave",
        "5 other phone numbers and opening hours"]
    assert found["menu:legal"][3][1] == "2 the human rights counseling line for foreigners (told)"
    assert found["service:iom@main:4"] == ("closed", "IOM Tokyo", "dials +81 3-3595-2487",
                                           [IOM_CLOSED])
    assert found["service:human-rights@legal:2"] == (
        "open", "the human rights line for foreigners", "told, not dialled: 0570-090911",
        ["Open now"])
    states = {box: found[box][0] for box in found if box.startswith("service:")}
    assert sorted(box for box, state in states.items() if state == "closed") == [
        "service:iom@info:4", "service:iom@main:4"]
    edges = [(e.get("data-from"), e.get("data-to")) for e in svg.iter("path")
             if e.get("class") == "edge"]
    assert edges == [
        *[(f"languages:{n}", "menu:main") for n in (1, 2, 3)],
        *[(f"menu:main:{n}", box) for n, box in enumerate(SERVICES, start=1)],
        *[(f"menu:legal:{n}", box) for n, box in enumerate(FURTHER[:3], start=1)],
        *[(f"menu:info:{n}", box) for n, box in enumerate(FURTHER[3:], start=1)]]


def test_the_same_as_a_nested_list_and_a_table(admin_client) -> None:
    document = page(text(admin_client.get("/staff/menus/diagram")))
    top = document.one("ul", id="diagram-list")
    assert top.all("li")[0].text.startswith("The language choice: 1 English, 2 日本語, 3 Tagalog.")
    main = top.all("li")[1]
    assert main.text.startswith("Then the menu 'main': “Please choose what you need.”")
    items = [(li.text.split(" Key ")[0], li.attrs.get("class")) for li in main.all("li")
             if li.text.startswith(("Key 4", "Key 1, “the Tokyo"))]
    assert items == [
        ("Key 1, “the Tokyo police, in English, 24 hours a day”: connects the Tokyo police "
         "English line (dials +81 3-3501-0110). Open now.", "state-open"),
        ("Key 4, “help if someone forces you to work, or does not let you leave”: connects IOM "
         f"Tokyo (dials +81 3-3595-2487). {IOM_CLOSED}.", "state-closed"),
        ("Key 1, “the Tokyo police English line”: tells the number of the Tokyo police "
         "English line (dials +81 3-3501-0110). Open now.", "state-open"),
        ("Key 4, “IOM Tokyo”: tells the number of IOM Tokyo (dials +81 3-3595-2487). "
         f"{IOM_CLOSED}.", "state-closed")]
    rows = document.one("table", id="diagram-services").one("tbody").all("tr")
    assert [[c.text for c in row.children if not isinstance(c, str)] for row in rows][2] == [
        "IOM Tokyo", "dials +81 3-3595-2487", IOM_CLOSED,
        "the police consultation line in English, Houterasu legal support, the Tokyo police "
        "English line"]


def test_a_notice_closes_a_service_on_the_diagram_now(admin_client, app) -> None:
    now = jst("2026-11-24 12:45")
    with app.extensions["calllog"].engine.begin() as connection:
        notices.create(connection, services=["police"], open=False, start=now,
                       end=now + timedelta(hours=2), reason={"en": "a typhoon", "ja": "台風",
                                                              "tl": "bagyo"},
                       note="typhoon", author="alice", now=now)
    found = boxes(svg_in(text(admin_client.get("/staff/menus/diagram"))))
    assert found["service:police@main:1"] == (
        "closed", "the Tokyo police English line", "dials +81 3-3501-0110",
        ["Closed now: temporary closure: a typhoon; opens Tue 24 Nov 14:45"])


def test_labels_in_another_language(admin_client) -> None:
    found = boxes(svg_in(text(admin_client.get("/staff/menus/diagram?lang=tl"))))
    assert found["menu:legal"][2] == "Libreng payo sa batas at tulong sa iyong mga karapatan."
    assert found["service:police@main:1"][1] == "English line ng pulisya ng Tokyo"


def test_viewers_see_the_published_diagram_not_the_draft(viewer_client, app) -> None:
    draft_with(app, ("main.yaml", "en: Please choose what you need.", "en: Choose, please."))
    assert viewer_client.get("/staff/menus/diagram").status_code == 200
    response = viewer_client.get("/staff/menus/diagram?version=draft")
    assert response.status_code == 404
    assert page(text(response)).one(id="diagram-missing").text == \
        "Only admins may see the draft."


def test_the_draft_is_drawn_and_a_broken_one_is_not(admin_client, app) -> None:
    draft_with(app, ("main.yaml", "en: Please choose what you need.", "en: Choose, please."))
    found = boxes(svg_in(text(admin_client.get("/staff/menus/diagram?version=draft"))))
    assert found["menu:main"][2] == "Choose, please."
    with app.extensions["calllog"].engine.begin() as connection:
        from ivr.menustore import drafts

        draft = drafts.get(connection)
        files = dict(draft.files)
        files["main.yaml"] = files["main.yaml"].replace("connect: iom", "connect: iomm")
        drafts.save(connection, files, draft.revision, "alice", jst("2026-11-24 12:45"))
    response = admin_client.get("/staff/menus/diagram?version=draft")
    assert response.status_code == 409
    assert "<svg" not in text(response)
    assert page(text(response)).one(id="diagram-problems").one("a").attrs["href"] == \
        "/staff/menus/draft"


def test_with_the_menus_folder_the_tree_calls_hear_is_drawn(staff_app) -> None:
    from .staff_support import PASSWORD, add_user, log_in

    folder = staff_app()  # IVR_MENUS_SOURCE=folder
    add_user(folder, "victor", "viewer")
    client = folder.test_client()
    log_in(client, "victor", PASSWORD)
    html = text(client.get("/staff/menus/diagram"))
    assert [o.text for o in page(html).one("select", id="diagram-version").all("option")] == [
        "the menus folder, as calls hear it"]
    assert list(boxes(svg_in(html))) == ["languages", "menu:main", *SERVICES, *FURTHER]
