"""The staff pages in a real browser: headless Chromium driven by Playwright.

Calls are made through the real webhooks (the simulator), the app is served
on loopback, and the browser logs in, filters the calls, opens one, downloads
the CSV and saves screenshots of the dashboard (test-artifacts/, laptop and
phone). Skipped without Chromium, except in CI (CI=true), where it must run.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, jst
from werkzeug.serving import make_server

from ivr.staff import accounts
from ivr.web import simulator

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("IVR_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct horse battery staple"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CALLS = [  # (Japan time, keys, dial outcomes)
    ("2026-11-23 10:00", "3,4,1", "completed"),        # Tagalog, IOM closed (holiday): police
    ("2026-11-24 10:00", "3,3,1", "completed"),        # Tagalog, Houterasu connected
    ("2026-11-24 12:45", "1,4,4", "completed"),        # English, IOM lunch: told its number
    ("2026-11-24 15:00", "2,4", "busy,completed"),     # Japanese, IOM busy
    ("2026-11-25 21:00", "1,-,-,-", "completed"),      # English, silence until goodbye
]


@pytest.fixture(scope="module")
def chromium() -> str:
    if shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM} (Debian package 'chromium')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def server(make_app, tmp_path: Path) -> Iterator[str]:
    """The app with five simulated calls and an admin, served on a loopback port."""
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    for n, (at, keys, dial) in enumerate(CALLS):
        simulator.run(app, simulator.Call(at=jst(at), keys=keys.split(","),
                                          dial=dial.split(","), sid="CA" + f"{n:02d}" * 16))
    assert app.extensions["calllog"].flush(timeout=30)
    with app.extensions["calllog"].engine.begin() as connection:
        accounts.create(connection, "alice", PASSWORD, "admin",
                        app.extensions["ivr.staff"].hasher, jst("2026-11-20 09:00"))
    app.extensions["ivr.clock"].now = jst("2026-11-26 09:00")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280,
                                                                         "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def log_in(page, server: str) -> None:
    page.goto(server + "/staff/calls")
    assert page.url.startswith(server + "/staff/login?next=")
    page.fill("#login-username", "alice")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server + "/staff/calls")


def test_staff_log_in_filter_open_a_call_and_export(page, server):
    log_in(page, server)
    rows = page.locator("#calls-table tbody tr")
    assert rows.count() == len(CALLS)

    page.fill("#filter-from", "2026-11-23")
    page.fill("#filter-to", "2026-11-24")
    page.select_option("#filter-language", "tl")
    page.click("#filter-apply")
    page.wait_for_url("**language=tl**")
    assert rows.count() == 2
    sids = [rows.nth(i).get_attribute("data-call-sid") for i in range(2)]
    assert sids == ["CA" + "01" * 16, "CA" + "00" * 16]  # newest first

    rows.nth(1).locator("a").first.click()
    page.wait_for_url(server + "/staff/calls/CA" + "00" * 16)
    timeline = page.locator("main").inner_text()
    assert "Tagalog" in timeline
    assert "IOM Tokyo" in timeline

    page.go_back()
    with page.expect_download() as download:
        page.click("#export-csv")
    path = download.value.path()
    exported = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert [row["call_sid"] for row in exported] == sids[::-1]  # the export is chronological
    assert {row["language"] for row in exported} == {"tl"}


def test_dashboard_charts_on_a_laptop_and_a_phone(page, server):
    log_in(page, server)
    page.goto(server + "/staff?from=2026-11-01&to=2026-11-30")
    for chart in ("chart-calls-per-day", "chart-heatmap-all", "chart-heatmap-closed",
                  "chart-drop-off", "chart-languages", "chart-services"):
        figure = page.locator(f"#{chart}")
        assert figure.count() == 1, chart
        assert figure.locator("svg").count() >= 1, chart
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !e.labels || e.labels.length === 0).length")
    assert unlabelled == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # nothing makes the whole page scroll sideways on a phone
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000


def test_the_keyboard_reaches_the_skip_link_and_the_filters(page, server):
    log_in(page, server)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused.lower().startswith("skip to")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_timeline_times_are_japan_time(page, server):
    log_in(page, server)
    page.goto(server + "/staff/calls/CA" + "02" * 16)
    text = page.locator("main").inner_text()
    assert "12:45" in text  # the call came in at 12:45 in Japan
    assert "03:45" not in text  # which is 03:45 UTC
