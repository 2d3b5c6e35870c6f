"""Issue 7's whole journey, in the browser alone, as a staff member who is not a programmer:
close IOM for tomorrow with a reason in three languages, see the path diff, publish, hear
it in the simulator (and on a real webhook), and roll it back.

Headless Chromium driven by Playwright; screenshots of each step go to
test-artifacts/journey-*.png. Skipped without Chromium, except in CI.
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
IOM = "/voice/service?h=main&l=en&t=iom&o=main"
REASONS = {"en": "the office is moving", "ja": "事務所の移転のため",
           "tl": "lumilipat ang opisina"}


@pytest.fixture
def served(make_app, clock, tmp_path: Path) -> Iterator[tuple[str, object]]:
    """An app serving published versions, with an admin, on a loopback port."""
    clock.now = jst("2026-11-24 09:00")  # a Tuesday morning; "tomorrow" is Wednesday the 25th
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'journey.sqlite3'}",
                   IVR_MENUS_SOURCE="database")
    with app.extensions["calllog"].engine.begin() as connection:
        accounts.create(connection, "alice", PASSWORD, "admin",
                        app.extensions["ivr.staff"].hasher, clock.now)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join(timeout=10)


def shot(page, name: str) -> None:  # noqa: F811 - the fixture's name
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def try_iom_tomorrow(page, server: str) -> list[str]:  # noqa: F811
    """In the simulator: the published version, tomorrow 10:00, English, then key 4 (IOM)."""
    page.goto(server + "/staff/menus/try")
    page.select_option("#try-version", label=page.locator(
        "#try-version option", has_text="published").first.inner_text())
    page.fill("#try-date", "2026-11-25")
    page.fill("#try-time", "10:00")
    page.click("#try-start")
    page.locator("#try-transcript > li").first.wait_for()
    page.click("#try-key-1")
    page.locator("#try-transcript > li").nth(1).wait_for()
    page.click("#try-key-4")
    page.locator("#try-transcript > li").nth(2).wait_for()
    text = page.locator("#try-transcript > li").nth(2).inner_text()
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_close_iom_tomorrow_see_the_paths_publish_hear_it_and_roll_back(page, served,  # noqa: F811
                                                                        clock):
    server, app = served
    page.goto(server + "/staff/menus")
    page.fill("#login-username", "alice")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server + "/staff/menus")

    # 1. The closure form: no YAML, a service, a day, the reason in every language.
    page.click("a:has-text('a dated closure')")  # from the overview, by its link
    page.click("#closure-form-link")
    page.select_option("#closure-service", "iom")
    page.fill("#closure-first", "2026-11-25")
    for code, reason in REASONS.items():
        page.fill(f"#closure-reason-{code}", reason)
    shot(page, "journey-closure-form.png")
    page.click("#closure-save")
    page.wait_for_load_state()
    assert "/staff/menus/draft/diff" in page.url
    added = page.locator("tr.diff-added").all_inner_texts()
    assert any("2026-11-25" in line for line in added)

    # 2. The path diff, at tomorrow 10:00 (a moment staff choose).
    page.goto(server + "/staff/menus/paths")
    page.fill("#paths-date", "2026-11-25")
    page.fill("#paths-time", "10:00")
    page.click("#paths-compare")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert ("4: now says IOM Tokyo is closed (dated closure: the office is moving; opens Thu "
            "2026-11-26 09:00) instead of dialling +81 3-3595-2487") in text
    shot(page, "journey-path-diff.png")

    # 3. Publish, with a note.
    page.goto(server + "/staff/menus/publish")
    page.fill("#publish-note", "IOM closed tomorrow: office move")
    page.click("#publish-button")
    page.wait_for_url(server + "/staff/menus")
    assert "Published version 2." in page.locator(".flashes").inner_text()

    # 4. The simulator hears it; so does a real call tomorrow at 10:00.
    heard = try_iom_tomorrow(page, server)
    assert heard[1:4] == ["IOM Tokyo is closed now.",
                          "It is closed today: the office is moving.",
                          "It opens tomorrow at 9:00."]
    shot(page, "journey-try-closed.png")
    clock.now = jst("2026-11-25 10:00")
    call = twiml(post(app.test_client(), IOM))
    assert call.find("Dial") is None
    assert says(call)[1] == ("en-US", "It is closed today: the office is moving.")
    clock.now = jst("2026-11-24 09:05")

    # 5. Roll back to version 1: IOM is connected tomorrow again.
    page.goto(server + "/staff/menus/versions")
    page.click("#rollback-1")
    page.fill("#rollback-note", "The move is postponed")
    page.click("#rollback-button")
    page.wait_for_url(server + "/staff/menus")
    shot(page, "journey-overview-after-rollback.png")
    heard = try_iom_tomorrow(page, server)
    assert heard[1] == "Connecting you to IOM Tokyo. Please wait."
    clock.now = jst("2026-11-25 10:00")
    assert twiml(post(app.test_client(), IOM)).find("Dial/Number").text == "+81335952487"
