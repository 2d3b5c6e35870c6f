"""The try-it simulator, the diagram and the path diff in a real browser (headless Chromium).

The app keeps its menus in the database (the fixture menus are version 1; a draft closes IOM
on Wednesday for an office move), is served on loopback at Tuesday 2026-11-24 12:45 (IOM's
lunch break), and the browser presses the simulator's keys with the mouse and with the
keyboard (try.js) to reach a closed service and a busy line. Screenshots of the three pages go
to test-artifacts/. Skipped without Chromium, except in CI (CI=true), where it must run.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import jst
from staff.try_support import CLOSURE, call_log_rows, draft_with, menus_app
from test_browser import ARTIFACTS, CHROMIUM, FLAGS, PASSWORD
from werkzeug.serving import make_server

from ivr.db import database
from ivr.staff import accounts

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> str:
    import os

    if shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM} (Debian package 'chromium')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def served(make_app, clock, tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The app with an admin and a draft, served on a loopback port; (its URL, the app)."""
    clock.now = jst("2026-11-24 12:45")

    def staff_app(**config):
        app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'try.sqlite3'}", **config)
        database.upgrade(app.extensions["calllog"].engine)
        return app

    app = menus_app(staff_app)
    with app.extensions["calllog"].engine.begin() as connection:
        accounts.create(connection, "alice", PASSWORD, "admin",
                        app.extensions["ivr.staff"].hasher, clock.now)
    draft_with(app, CLOSURE)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def log_in(page, server: str, target: str) -> None:
    page.goto(server + target)
    page.fill("#login-username", "alice")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server + target)


def last_turn(page) -> list[str]:
    """The lines of the transcript's last turn."""
    text = page.locator("#try-transcript > li").last.inner_text()
    return [line.strip() for line in text.splitlines() if line.strip()]


def press_key(page, key: str, turns: int) -> None:
    """Press ``key`` on the keyboard and wait for the page with ``turns`` turns."""
    page.keyboard.press(key)
    wait_for_turns(page, turns)


def wait_for_turns(page, turns: int) -> None:
    """Wait for the page whose transcript has ``turns`` turns (the CSP forbids eval)."""
    page.locator("#try-transcript > li").nth(turns - 1).wait_for()


def test_the_keypad_by_mouse_and_keyboard_reaches_closed_and_busy(page, served) -> None:
    server, app = served
    log_in(page, server, "/staff/menus/try")
    page.click("#try-start")  # the mouse: start at the time the form shows (now)
    page.wait_for_selector("#try-transcript")
    assert page.locator("#try-time").input_value() == "12:45"
    press_key(page, "1", 2)  # the keyboard (try.js): English
    press_key(page, "4", 3)  # IOM Tokyo, at lunch
    closed = last_turn(page)
    assert closed[:4] == ["The caller presses 4.", "IOM Tokyo is closed now.",
                                       "It is closed for the lunch break.",
                                       "It opens again today at 13:30."]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "try-closed.png"), full_page=True)

    page.click("#try-key-1")  # the mouse: the police consultation line, open now
    page.wait_for_selector("#try-outcomes")
    assert page.locator("#try-key-1").is_disabled()  # its fieldset is, while it rings
    page.click("#try-busy")
    wait_for_turns(page, 5)
    assert last_turn(page)[:2] == [
        "The line is busy.", "The police consultation line in English is busy right now."]
    press_key(page, "1", 6)  # the keyboard: the Tokyo police English line, offered instead
    assert page.locator("#try-outcomes").is_visible()
    press_key(page, "n", 7)  # the keyboard: nobody answers
    assert last_turn(page)[:2] == [
        "Nobody answers.", "The Tokyo police English line did not answer."]
    press_key(page, "s", 8)  # stays silent
    assert last_turn(page)[0] == "The caller stays silent."
    page.screenshot(path=str(ARTIFACTS / "try-busy.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(ARTIFACTS / "try-phone.png"), full_page=True)
    assert call_log_rows(app) == (0, 0)


def test_typing_a_time_does_not_press_keys(page, served) -> None:
    server, _ = served
    log_in(page, server, "/staff/menus/try?start=1&date=2026-11-24&time=12:45")
    page.focus("#try-version")
    page.keyboard.press("1")
    page.wait_for_timeout(300)
    assert page.locator("#try-transcript > li").count() == 1


def test_the_diagram_and_the_path_diff_on_a_laptop(page, served) -> None:
    server, _ = served
    log_in(page, server, "/staff/menus/diagram")
    assert page.locator("svg.diagram g.node").count() == 15
    closed = page.locator("svg.diagram g.node[data-state='closed']")
    assert closed.count() == 2
    box = page.locator("svg.diagram").bounding_box()
    assert box["width"] <= 1184  # the drawing fits the page on a laptop: no sideways scroll
    page.screenshot(path=str(ARTIFACTS / "diagram.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()  # on a phone the drawing scrolls sideways in its frame, not the page
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "/staff/menus/paths")
    # now is Tuesday 12:45: the next weekday 10:00 and 12:45 are Wednesday, the closure's day
    assert page.locator("#paths-summary").inner_text() == \
        "The published version (1) against the draft: 9 changes callers would meet."
    assert page.locator(".no-change").count() == 6  # Saturday night and the holiday
    page.screenshot(path=str(ARTIFACTS / "path-diff.png"), full_page=True)
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !e.labels || e.labels.length === 0).length")
    assert unlabelled == 0
