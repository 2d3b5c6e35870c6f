"""The menu editor through its pages: drafts, problems beside their lines, two admins,
publishing, rollback, diffs and history (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from conftest import post as call_post
from conftest import says, twiml

from ivr.live import menus as live

from .editor_support import (
    draft,
    element,
    form,
    history,
    latest,
    line_problems,
    revision_on,
    save,
    start,
)
from .staff_support import PASSWORD, add_user, log_in, text

MENU = "/voice/menu?h=main&l=en&t=main"
LEGL = ("menu 'main', option '3': goes to menu 'legl', which does not exist "
        "(did you mean 'legal'?)")
UNREACHED = "menu 'legal' cannot be reached from any hotline's start menu"
NO_NOTE = "Say in a few words what changed and why: the note is required."


@pytest.fixture
def app(staff_app, migrated_url):
    """An app serving published versions (migrated first: the seed is made at the start)."""
    return staff_app(IVR_MENUS_SOURCE="database")


@pytest.fixture
def bob(app):
    """A second admin, logged in on a browser of their own."""
    add_user(app, "bob", "admin")
    client = app.test_client()
    assert log_in(client, "bob", PASSWORD).status_code == 302
    return client


def main_yaml(app) -> str:
    return draft(app).files["main.yaml"] if draft(app) else latest(app).files["main.yaml"]


def friendlier(app) -> str:
    return main_yaml(app).replace("en: Please choose what you need.",
                                  "en: What do you need today?")


def words(node) -> str:
    return " ".join(" ".join(node.itertext()).split())


def heard(app) -> str:
    return says(twiml(call_post(app.test_client(), MENU)))[0][1]


def test_the_overview_says_what_is_published_and_served(admin_client):
    page = text(admin_client.get("/staff/menus"))
    published = words(element(page, "dl", "published"))
    assert published.startswith("Version version 1 (seed) By menus folder When ")
    assert published.endswith(" Note The menus folder, published at the first start")
    live_status = " ".join("".join(element(page, "p", "live-status").itertext()).split())
    assert live_status.startswith("This worker serves version 1 (tree ")
    assert 'id="no-draft"' in page and 'id="start-draft"' in page
    for url in ("/staff/menus/try", "/staff/menus/paths", "/staff/menus/diagram",
                "/staff/notices", "/staff/recordings", "/staff/menus/versions"):
        assert f'href="{url}"' in page, url


def test_a_draft_starts_from_the_published_version_and_survives_a_logout(app, admin_client,
                                                                          clock):
    assert start(admin_client).location == "/staff/menus/draft"
    started = draft(app)
    assert (started.base, started.revision, started.created_by) == (1, 1, "alice")
    assert dict(started.files) == dict(latest(app).files)
    assert save(admin_client, "main.yaml", friendlier(app), 1).status_code == 302
    form(admin_client, "/staff/logout")
    assert log_in(admin_client, "alice", PASSWORD).status_code == 302
    page = text(admin_client.get("/staff/menus/draft?file=main.yaml"))
    assert "en: What do you need today?" in page
    assert revision_on(page) == 2
    overview = words(element(text(admin_client.get("/staff/menus")), "dl", "draft-state"))
    assert overview == ("Started by alice, 2026-11-24 10:00 Last saved by alice, 2026-11-24 "
                        "10:00 (revision 2) Based on version 1 Checks no errors")


def test_save_stores_a_draft_with_errors_and_shows_each_beside_its_line(app, admin_client):
    start(admin_client)
    broken = main_yaml(app).replace("menu: legal", "menu: legl")
    response = save(admin_client, "main.yaml", broken, 1)
    assert response.location == "/staff/menus/draft?file=main.yaml"
    assert draft(app).files["main.yaml"] == broken and draft(app).revision == 2
    page = text(admin_client.get(response.location))
    assert "Saved the draft (revision 2). It has 1 error: fix it before publishing." in page
    assert line_problems(page) == {35: [f"Error, line 35: {LEGL}"],
                                   49: [f"Warning, line 49: {UNREACHED}"]}
    view = element(page, "ol", "code-view")
    assert view.find("li[@id='line-35']/code").text == "        menu: legl"
    shown = [li.get("id", "gap") for li in view.findall("li")]  # 3 lines around each
    assert shown == [f"line-{n}" for n in range(32, 39)] + ["gap"] + \
        [f"line-{n}" for n in range(46, 53)]
    tab = element(page, "ul", "file-tabs").find("li/a[@data-file='main.yaml']")
    assert "".join(tab.itertext()) == "main.yaml 1 error 1 warning"


def test_check_shows_the_problems_of_the_text_without_saving_it(app, admin_client):
    start(admin_client)
    broken = main_yaml(app).replace("menu: legal", "menu: legl")
    response = save(admin_client, "main.yaml", broken.replace("\n", "\r\n"), 1, "check")
    assert response.status_code == 200
    page = text(response)
    assert "Checked, not saved: 1 error, 1 warning." in page
    assert line_problems(page)[35] == [f"Error, line 35: {LEGL}"]
    assert draft(app).revision == 1 and "legl" not in draft(app).files["main.yaml"]
    assert "        menu: legl\n" in page  # the text sent is in the form, LF line ends


def test_problems_of_other_files_are_listed_with_links_to_their_lines(app, admin_client):
    start(admin_client)
    services = draft(app).files["services.yaml"].replace("number: 03-3595-2487",
                                                         "number: 3595-248")
    save(admin_client, "services.yaml", services, 1)
    page = text(admin_client.get("/staff/menus/draft?file=main.yaml"))
    listed = element(page, "ul", "other-problems")
    links = [(a.get("href"), a.text) for a in listed.iter("a")]
    assert links == [("/staff/menus/draft?file=services.yaml#line-84",
                      "menus/services.yaml, line 84")]
    assert 'id="code-view"' not in page  # main.yaml itself has nothing to show


def test_two_admins_a_stale_save_is_refused_and_nothing_is_overwritten(app, admin_client,
                                                                       bob):
    start(admin_client)
    theirs = friendlier(app)
    mine = main_yaml(app).replace("ja: ご用件をお選びください。", "ja: ご用件は？")
    assert save(bob, "main.yaml", theirs, 1).status_code == 302
    refused = save(admin_client, "main.yaml", mine, 1)
    assert refused.status_code == 409
    page = text(refused)
    assert ("Not saved: bob saved the draft at 2026-11-24 01:00 UTC after you opened it "
            "(revision 2): your change was not saved.") in page
    assert draft(app).files["main.yaml"] == theirs and draft(app).revision == 2
    assert "ja: ご用件は？" in page  # alice's text is still in her form
    assert 'href="/staff/menus/draft/stored?file=main.yaml"' in page
    assert "What do you need today?" in text(admin_client.get(
        "/staff/menus/draft/stored?file=main.yaml"))
    again = save(admin_client, "main.yaml", mine, 1)  # the form still names revision 1
    assert again.status_code == 409 and draft(app).files["main.yaml"] == theirs
    over = save(admin_client, "main.yaml", mine, 1, overwrite="2")
    assert over.status_code == 302
    assert (draft(app).files["main.yaml"], draft(app).revision) == (mine, 3)


def test_publish_needs_a_note_then_serves_the_new_version_at_once(app, admin_client):
    start(admin_client)
    save(admin_client, "main.yaml", friendlier(app), 1)
    refused = form(admin_client, "/staff/menus/publish", "/staff/menus/publish",
                   revision="2", note="  ")
    assert refused.status_code == 400
    assert NO_NOTE in text(refused)
    assert [v[0] for v in history(app)] == [1] and heard(app) == "Please choose what you need."
    done = form(admin_client, "/staff/menus/publish", "/staff/menus/publish", revision="2",
                note="A friendlier first question")
    assert done.location == "/staff/menus"
    assert history(app)[0] == (2, "publish", "alice", "A friendlier first question")
    assert latest(app).based_on == 1 and draft(app) is None
    assert heard(app) == "What do you need today?"  # this worker serves it at once
    page = text(admin_client.get("/staff/menus"))
    assert ("Published version 2. This worker serves it now; the others look for new "
            "versions only when they restart (IVR_MENU_RELOAD_SECONDS is 0).") in page
    assert "This worker serves version 2" in page


def test_publishing_says_when_the_other_instances_follow(staff_app, migrated_url):
    app = staff_app(IVR_MENUS_SOURCE="database", IVR_MENU_RELOAD_SECONDS=5)
    add_user(app, "alice", "admin")
    client = app.test_client()
    log_in(client, "alice", PASSWORD)
    start(client)
    form(client, "/staff/menus/publish", "/staff/menus/publish", revision="1", note="same")
    assert ("Published version 2. This worker serves it now; every other worker and instance "
            "follows within 5 seconds (IVR_MENU_RELOAD_SECONDS).") in text(
        client.get("/staff/menus"))


def test_a_draft_with_errors_is_not_published(app, admin_client):
    start(admin_client)
    save(admin_client, "main.yaml", main_yaml(app).replace("menu: legal", "menu: legl"), 1)
    refused = form(admin_client, "/staff/menus/publish", "/staff/menus/publish",
                   revision="2", note="typo")
    assert refused.status_code == 400
    page = text(refused)
    assert "The draft has 1 error: fix them, then publish (they are listed below)." in page
    errors = element(page, "ul", "publish-errors")
    assert ["".join(li.itertext()) for li in errors] == [f"menus/main.yaml, line 35: {LEGL}"]
    assert errors.find("li/a").get("href") == "/staff/menus/draft?file=main.yaml#line-35"
    assert [v[0] for v in history(app)] == [1] and draft(app).revision == 2


def test_a_stale_revision_is_not_published(app, admin_client, bob):
    start(admin_client)
    reviewed = revision_on(text(admin_client.get("/staff/menus/publish")))
    save(bob, "main.yaml", friendlier(app), 1)
    refused = form(admin_client, "/staff/menus/publish", "/staff/menus/publish",
                   revision=str(reviewed), note="as reviewed")
    assert refused.status_code == 409
    assert ("bob saved the draft at 2026-11-24 01:00 UTC after you opened it (revision 2): "
            "your change was not saved") in text(refused)
    assert [v[0] for v in history(app)] == [1] and draft(app).revision == 2


def test_publishing_over_a_newer_version_needs_a_confirmation(app, admin_client, bob):
    start(admin_client)
    save(admin_client, "main.yaml", friendlier(app), 1)
    form(bob, "/staff/menus/versions/1/rollback", "/staff/menus/versions/1/rollback",
         note="bob republished 1")
    assert [v[0] for v in history(app)] == [2, 1]
    refused = form(admin_client, "/staff/menus/publish", "/staff/menus/publish",
                   revision="2", note="friendlier")
    assert refused.status_code == 400
    assert ("Version 2 was published after this draft started from version 1: look at the "
            "diff, then tick &#34;publish over version 2&#34; to replace it.") in text(refused)
    assert 'name="over" value="2"' in text(refused)
    done = form(admin_client, "/staff/menus/publish", "/staff/menus/publish", revision="2",
                note="friendlier", over="2")
    assert done.status_code == 302
    assert history(app)[0] == (3, "publish", "alice", "friendlier")
    assert latest(app).based_on == 1


def test_rollback_publishes_an_old_version_again_as_a_new_one(app, admin_client):
    first = dict(latest(app).files)
    start(admin_client)
    save(admin_client, "main.yaml", friendlier(app), 1)
    form(admin_client, "/staff/menus/publish", "/staff/menus/publish", revision="2",
         note="friendlier")
    refused = form(admin_client, "/staff/menus/versions/1/rollback",
                   "/staff/menus/versions/1/rollback", note="")
    assert refused.status_code == 400 and NO_NOTE in text(refused)
    done = form(admin_client, "/staff/menus/versions/1/rollback",
                "/staff/menus/versions/1/rollback", note="callers were confused")
    assert done.location == "/staff/menus"
    assert history(app)[0] == (3, "rollback", "alice", "callers were confused")
    assert (dict(latest(app).files), latest(app).based_on) == (first, 1)
    assert heard(app) == "Please choose what you need."
    assert ("Rolled back: version 3 has the files of version 1.") in text(
        admin_client.get("/staff/menus"))


def test_the_diff_marks_added_and_removed_lines_in_words(app, admin_client):
    start(admin_client)
    save(admin_client, "main.yaml", friendlier(app), 1)
    page = text(admin_client.get("/staff/menus/draft/diff"))
    table = element(page, "section", "diff-main.yaml").find(".//table")
    rows = [["".join(td.itertext()) for td in tr.findall("td")]
            for tr in table.iter("tr") if tr.get("class") in ("diff-added", "diff-removed")]
    assert rows == [["14", "", "− removed", "      en: Please choose what you need."],
                    ["", "14", "+ added", "      en: What do you need today?"]]
    assert 'href="/staff/menus/paths"' in page
    assert "(1 line added, 1 removed)" in page


def test_history_lists_versions_newest_first_and_shows_any_version(app, admin_client,
                                                                   viewer_client):
    start(admin_client)
    save(admin_client, "main.yaml", friendlier(app), 1)
    form(admin_client, "/staff/menus/publish", "/staff/menus/publish", revision="2",
         note="friendlier")
    page = text(viewer_client.get("/staff/menus/versions"))
    table = element(page, "table", "history-table")
    cells = [[" ".join("".join(c.itertext()).split()) for c in tr][:5]
             for tr in table.find("tbody")]
    assert cells[0] == ["2 published", "publish (from 1)", "alice", "2026-11-24 10:00",
                        "friendlier"]
    assert (cells[1][:3], cells[1][4]) == (["1", "seed", "menus folder"],
                                           "The menus folder, published at the first start")
    assert 'id="rollback-1"' not in page  # viewers look, admins act
    old = text(viewer_client.get("/staff/menus/versions/1?file=main.yaml"))
    assert element(old, "ol", "code-view").find("li[@id='line-14']/code").text == \
        "      en: Please choose what you need."
    diff = text(viewer_client.get("/staff/menus/versions/1/diff"))
    assert "Diff: version 1 against published version 2" in diff
    assert viewer_client.get("/staff/menus/versions/9").status_code == 404


def test_a_language_file_is_added_and_a_file_removed(app, admin_client):
    start(admin_client)
    added = form(admin_client, "/staff/menus/draft/languages", "/staff/menus/draft",
                 code="vi", revision="1")
    assert added.location == "/staff/menus/draft?file=languages/vi.yaml"
    files = draft(app).files
    assert files["languages/vi.yaml"] == files["languages/en.yaml"].replace("\n  en:\n",
                                                                            "\n  vi:\n")
    bad = form(admin_client, "/staff/menus/draft/languages", "/staff/menus/draft",
               code="Vietnamese", revision="2")
    assert "&#39;Vietnamese&#39; is not a language code such as &#39;en&#39;, &#39;ja&#39; " \
           "or &#39;tl&#39;." in text(admin_client.get(bad.location))
    confirm = text(admin_client.get("/staff/menus/draft/remove?file=languages/vi.yaml"))
    assert 'id="confirm-remove"' in confirm and revision_on(confirm) == 2
    removed = form(admin_client, "/staff/menus/draft/remove", "/staff/menus/draft",
                   file="languages/vi.yaml", revision="2")
    assert removed.status_code == 302
    assert "languages/vi.yaml" not in draft(app).files and draft(app).revision == 3


def test_discarding_the_draft_keeps_the_published_version(app, admin_client):
    start(admin_client)
    save(admin_client, "main.yaml", friendlier(app), 1)
    stale = form(admin_client, "/staff/menus/draft/discard", "/staff/menus", revision="1")
    assert stale.status_code == 302 and draft(app) is not None
    form(admin_client, "/staff/menus/draft/discard", "/staff/menus", revision="2")
    assert draft(app) is None and [v[0] for v in history(app)] == [1]
    assert live.of(app).current.tree.menus["main"].prompt["en"] == \
        "Please choose what you need."
