"""The menu editor in a real browser: headless Chromium driven by Playwright.

An admin logs in, starts a draft, breaks a menu and sees the error beside the
right line, fixes it, publishes with a note (a call then hears the change),
and rolls back. Screenshots of the overview, the editor showing an error, the
diff and the history go to test-artifacts/. Skipped without Chromium, except
in CI (CI=true), where it must run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import jst, post, says, twiml
from test_browser import ARTIFACTS, PASSWORD, chromium, page  # noqa: F401 - fixtures
from werkzeug.serving import make_server

from ivr.staff import accounts

pytestmark = pytest.mark.browser
MENU = "/voice/menu?h=main&l=en&t=main"


@pytest.fixture
def served(make_app, tmp_path: Path) -> Iterator[tuple[str, object]]:
    """An app serving published versions, with an admin, on a loopback port."""
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'editor.sqlite3'}",
                   IVR_MENUS_SOURCE="database")
    with app.extensions["calllog"].engine.begin() as connection:
        accounts.create(connection, "alice", PASSWORD, "admin",
                        app.extensions["ivr.staff"].hasher, jst("2026-11-20 09:00"))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join(timeout=10)


def heard(app) -> str:
    return says(twiml(post(app.test_client(), MENU)))[0][1]


def shot(page, name: str) -> None:  # noqa: F811 - the fixture's name
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    assert (ARTIFACTS / name).stat().st_size > 10_000


def edit_main(page, change) -> None:  # noqa: F811
    box = page.locator("#editor-text")
    box.fill(change(box.input_value()))
    page.click("#save-button")
    page.wait_for_load_state()


def test_edit_see_the_error_fix_publish_hear_it_roll_back(page, served):  # noqa: F811
    server, app = served
    page.goto(server + "/staff/menus")
    page.fill("#login-username", "alice")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server + "/staff/menus")
    assert "This worker serves version 1" in page.locator("#live-status").inner_text()
    shot(page, "menus-overview.png")

    page.click("#start-draft")
    page.wait_for_url(server + "/staff/menus/draft")
    edit_main(page, lambda text: text.replace("menu: legal", "menu: legl"))
    line = page.locator("#line-35")
    assert line.locator("code").inner_text() == "        menu: legl"
    assert line.locator(".line-problems").inner_text() == (
        "Error, line 35: menu 'main', option '3': goes to menu 'legl', which does not exist "
        "(did you mean 'legal'?)")
    assert "It has 1 error" in page.locator(".flashes").inner_text()
    line.scroll_into_view_if_needed()
    shot(page, "menus-editor-error.png")

    edit_main(page, lambda text: text.replace("menu: legl", "menu: legal").replace(
        "en: Please choose what you need.", "en: What do you need today?"))
    assert page.locator("#code-view").count() == 0
    assert "No errors" in page.locator(".flashes").inner_text()

    page.goto(server + "/staff/menus/draft/diff")
    added = page.locator("tr.diff-added")
    assert added.count() == 1 and "+ added" in added.inner_text()
    assert "What do you need today?" in added.inner_text()
    shot(page, "menus-diff.png")

    page.click("#publish-link")
    page.click("#publish-button")  # no note: the browser's own check stops it
    assert page.url == server + "/staff/menus/publish"
    page.fill("#publish-note", "A friendlier first question")
    page.click("#publish-button")
    page.wait_for_url(server + "/staff/menus")
    assert "Published version 2." in page.locator(".flashes").inner_text()
    assert heard(app) == "What do you need today?"

    page.goto(server + "/staff/menus/versions")
    assert page.locator("#history-table tbody tr").count() == 2
    shot(page, "menus-history.png")
    page.click("#rollback-1")
    page.fill("#rollback-note", "Callers were confused")
    page.click("#rollback-button")
    page.wait_for_url(server + "/staff/menus")
    assert "Rolled back: version 3" in page.locator(".flashes").inner_text()
    assert heard(app) == "Please choose what you need."
