"""The path diff page: the published version against the draft (or any two versions) at the
reference moments and a moment staff choose, per language and moment, "No change" said.

The apps keep their menus in the database (IVR_MENUS_SOURCE=database): the fixture menus
are published as version 1 at the first start. The clock is Tuesday 2026-11-24 10:00, so
the moments are Wed 25 10:00, Tue 24 12:45, Sat 28 22:00 and New Year's Day 10:00.
"""

from __future__ import annotations

import pytest

from .staff_support import text
from .try_support import CLOSURE, draft_with, menus_app, page, publish

MOMENTS = ["weekday 10:00: Wed 2026-11-25 10:00", "weekday 12:45: Tue 2026-11-24 12:45",
           "Saturday 22:00: Sat 2026-11-28 22:00",
           "holiday 10:00: Fri 2027-01-01 10:00, New Year's Day"]
CLOSED = ("4: now says IOM Tokyo is closed (dated closure: an office move; opens Thu "
          "2026-11-26 09:00) instead of dialling +81 3-3595-2487; it offers 1: the police "
          "consultation line in English, 2: Houterasu legal support, 3: the Tokyo police "
          "English line, 4: its number (after it: 89 new paths, 86 paths gone)")


@pytest.fixture
def app(staff_app):
    return menus_app(staff_app)


def sections(html: str) -> dict[str, list[str]]:
    """Each language's moments: "<moment> <when>" -> its changes, or ["No change."]."""
    found = {}
    for moment in page(html).all("div", class_="paths-moment"):
        changes = moment.all("li")
        found[f"{moment.attrs['id']} {moment.one('h3').text}"] = \
            [li.text for li in changes] or [moment.one("p").text]
    return found


def test_the_draft_against_the_published_version(admin_client, app) -> None:
    draft_with(app, CLOSURE)
    response = admin_client.get("/staff/menus/paths")
    assert response.status_code == 200
    html = text(response)
    document = page(html)
    assert document.one(id="paths-summary").text == \
        "The published version (1) against the draft: 6 changes callers would meet."
    assert [li.text for li in document.one(id="paths-moments").all("li")] == MOMENTS
    found = sections(html)
    assert found["paths-en-1 weekday 10:00 Wed 2026-11-25 10:00"] == [
        CLOSED, "5-4: now hears 'IOM Tokyo is closed now.' instead of 'IOM Tokyo is open now.'"]
    # IOM speaks English and Japanese: a Tagalog caller was first offered Houterasu, which
    # speaks Tagalog, or IOM anyway; closed, Houterasu still comes first among the others
    assert found["paths-tl-1 weekday 10:00 Wed 2026-11-25 10:00"] == [
        "4: now says IOM Tokyo is closed (dated closure: an office move; opens Thu 2026-11-26 "
        "09:00) instead of saying IOM Tokyo does not speak the caller's language; it offers 1: "
        "Houterasu legal support, 2: the police consultation line in English, 3: the Tokyo "
        "police English line, 4: its number (after it: 12 new paths, 66 paths gone, 10 paths "
        "changed)",
        "5-4: now hears 'Sarado ngayon ang IOM Tokyo.' instead of 'Bukas ngayon ang "
        "IOM Tokyo.'"]
    for language in ("en", "ja", "tl"):
        for n, moment in ((2, "weekday 12:45 Tue 2026-11-24 12:45"),
                          (3, "Saturday 22:00 Sat 2026-11-28 22:00"),
                          (4, "holiday 10:00 Fri 2027-01-01 10:00, New Year's Day")):
            assert found[f"paths-{language}-{n} {moment}"] == ["No change."]
    assert [h.text for h in document.all("h2")] == ["English (en)", "日本語 (ja)", "Tagalog (tl)"]


def test_a_moment_staff_choose_is_compared_too(admin_client, app) -> None:
    draft_with(app, CLOSURE)
    html = text(admin_client.get("/staff/menus/paths?date=2026-11-25&time=12:45"))
    found = sections(html)
    assert found["paths-en-5 2026-11-25 12:45 Wed 2026-11-25 12:45"] == [
        "4: now says IOM Tokyo is closed (dated closure: an office move; opens Thu 2026-11-26 "
        "09:00) instead of (lunch break; opens Wed 2026-11-25 13:30)"]
    assert page(html).one(id="paths-moments").all("li")[-1].text == \
        "2026-11-25 12:45: Wed 2026-11-25 12:45"


@pytest.mark.parametrize(("query", "message"), [
    ("date=25-11-2026", "Write the date as YYYY-MM-DD and the time as HH:MM (Japan time)."),
    ("date=2026-11-25&time=25:00",
     "Write the date as YYYY-MM-DD and the time as HH:MM (Japan time)."),
    ("date=1999-01-01", "Choose a date between the years 2000 and 2999."),
])
def test_a_wrong_moment_is_said(admin_client, app, query, message) -> None:
    response = admin_client.get(f"/staff/menus/paths?{query}")
    assert response.status_code == 400
    assert page(text(response)).one(id="paths-moment-problem").text == message


def test_any_two_versions_and_without_a_draft_the_last_publish(admin_client, app) -> None:
    number = publish(app, CLOSURE)
    html = text(admin_client.get("/staff/menus/paths"))  # no draft: version 1 against 2
    assert page(html).one(id="paths-summary").text == \
        "Version 1 against the published version (2): 6 changes callers would meet."
    assert sections(html)["paths-en-1 weekday 10:00 Wed 2026-11-25 10:00"][0] == CLOSED
    back = text(admin_client.get(f"/staff/menus/paths?old={number}&new=1"))
    assert sections(back)["paths-en-1 weekday 10:00 Wed 2026-11-25 10:00"][0] == (
        "4: now dials +81 3-3595-2487 instead of saying IOM Tokyo is closed (dated closure: "
        "an office move; opens Thu 2026-11-26 09:00) (after it: 86 new paths, 89 paths gone)")
    same = text(admin_client.get("/staff/menus/paths?old=1&new=1"))
    assert page(same).one(id="paths-summary").text == ("Version 1 against version 1: no "
                                                       "change callers would meet (the two "
                                                       "are the same).")


def test_a_version_that_does_not_exist(admin_client, app) -> None:
    response = admin_client.get("/staff/menus/paths?old=9")
    assert response.status_code == 404
    assert page(text(response)).one(id="paths-missing").text == "There is no version 9."
    response = admin_client.get("/staff/menus/paths?new=draft")
    assert page(text(response)).one(id="paths-missing").text == "There is no draft."


def test_a_draft_with_errors_cannot_be_compared(admin_client, app) -> None:
    draft_with(app, ("main.yaml", "        menu: legal\n", "        menu: legl\n"))
    response = admin_client.get("/staff/menus/paths")
    assert response.status_code == 409
    box = page(text(response)).one(id="paths-new-problems")
    assert box.one("p").text == ("The draft cannot be compared or tried until its errors are "
                                 "fixed: fix them in the editor.")
    assert box.one("a").attrs["href"] == "/staff/menus/draft"
    assert [li.text for li in box.all("li")] == [
        "menus/main.yaml:35: menu 'main', option '3': goes to menu 'legl', which does not "
        "exist (did you mean 'legal'?)"]


def test_viewers_may_not_see_the_path_diff(viewer_client) -> None:
    assert viewer_client.get("/staff/menus/paths").status_code == 403


def test_with_the_menus_folder_there_is_nothing_to_compare(staff_app) -> None:
    from .staff_support import PASSWORD, add_user, log_in

    folder = staff_app()  # IVR_MENUS_SOURCE=folder
    add_user(folder, "alice", "admin")
    client = folder.test_client()
    log_in(client, "alice", PASSWORD)
    html = text(client.get("/staff/menus/paths"))
    assert page(html).one(id="paths-folder").text == (
        "The menus come from the menus folder as deployed (IVR_MENUS_SOURCE=folder): there are "
        "no versions to compare.")
