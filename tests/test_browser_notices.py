"""Notices, recordings and the audit log in a real browser (headless Chromium, Playwright).

An admin closes IOM until 15:00 with the reason in English, Japanese and
Tagalog; calls in each language hear it; the call's page says which notice
closed IOM; once the clock passes 15:00 the call is connected again. The
admin uploads a recording and plays it, and reads the audit log.
Screenshots go to test-artifacts/. Skipped without Chromium, except in CI.
"""

from __future__ import annotations

import io
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import jst
from test_browser import ARTIFACTS, FLAGS, PASSWORD, chromium  # noqa: F401 (a fixture)
from werkzeug.serving import make_server

from ivr.staff import accounts
from ivr.web import simulator

pytestmark = pytest.mark.browser
REASONS = {"en": "the office is moving", "ja": "事務所の引っ越し", "tl": "lumilipat ang opisina"}
HEARD = {"1": "[en-US] It is closed for now: the office is moving.",
         "2": "[ja-JP] ただいまお休みしています。理由は、事務所の引っ越しです。",
         "3": "[fil-PH] Pansamantala itong sarado: lumilipat ang opisina."}
IOM_DIALLED = "-> dials +81335952487"


@pytest.fixture
def served(make_app, clock, tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The app (menus from the database, as in production) with an admin, on loopback."""
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'notices.sqlite3'}",
                   IVR_MENUS_SOURCE="database")
    with app.extensions["calllog"].engine.begin() as connection:
        accounts.create(connection, "alice", PASSWORD, "admin",
                        app.extensions["ivr.staff"].hasher, jst("2026-11-20 09:00"))
    clock.now = jst("2026-11-24 10:15")  # a Tuesday morning: IOM is open
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(chromium):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def call(app, clock, at: str, keys: str) -> list[str]:
    """A call through the real webhooks; the app's clock is the test's again afterwards."""
    lines = simulator.run(app, simulator.Call(at=jst(at), keys=keys.split(",")))
    app.extensions["ivr.clock"] = clock
    return lines


def log_in(page, server: str, target: str) -> None:
    page.goto(server + target)
    page.fill("#login-username", "alice")
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(server + target)


def wav(seconds: float = 1.5) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1), audio.setsampwidth(2), audio.setframerate(8000)
        audio.writeframes(b"\0\1" * int(seconds * 8000))
    return out.getvalue()


def test_an_admin_closes_iom_until_three_and_calls_follow(page, served, clock, tmp_path):
    server, app = served
    assert IOM_DIALLED in "\n".join(call(app, clock, "2026-11-24 10:16", "1,4"))
    log_in(page, server, "/staff/notices")
    page.check("#service-iom")
    assert page.is_checked("#effect-closed")
    assert page.input_value("#notice-start") == "2026-11-24T10:15"
    page.fill("#notice-end", "2026-11-24T15:00")
    assert page.is_checked("#until-at")  # typing an end time chooses it (notices.js)
    for code, reason in REASONS.items():
        assert page.locator(f"label[for=reason-{code}]").inner_text() in (
            "English (en)", "日本語 (ja)", "Tagalog (tl)")
        page.fill(f"#reason-{code}", reason)
    page.fill("#notice-note", "IOM phoned at 8: moving to the new office")
    page.click("#notice-submit")
    page.wait_for_url(server + "/staff/notices")
    assert page.locator(".flash-info").inner_text().startswith(
        "Notice 1 saved: IOM Tokyo closed from 2026-11-24 10:15 until 2026-11-24 15:00 "
        "(Japan time). This server routes calls by it now;")
    assert page.locator("#notices-in-force article h3").all_inner_texts() == [
        "Notice 1: IOM Tokyo closed"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notices.png"), full_page=True)

    for key, sentence in HEARD.items():
        heard = call(app, clock, "2026-11-24 10:30", f"{key},4")
        assert sentence in heard and not any(line.startswith("-> dials") for line in heard)
    assert app.extensions["calllog"].flush(timeout=30)
    page.goto(server + "/staff/calls?service=iom")
    page.locator("#calls-table tbody tr a").first.click()
    assert "IOM Tokyo was closed by notice 1: the office is moving; opens 15:00" in \
        page.locator("#call-timeline").inner_text()

    assert IOM_DIALLED in "\n".join(call(app, clock, "2026-11-24 15:01", "1,4"))
    clock.now = jst("2026-11-24 15:01")
    page.goto(server + "/staff")
    assert page.locator("#dashboard-notices p").first.inner_text() == \
        "None: calls are routed by the menus alone."

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/staff/notices")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(ARTIFACTS / "notices-phone.png"), full_page=True)


def test_recordings_and_the_audit_log(page, served, clock, tmp_path):
    server, _ = served
    upload = tmp_path / "goodbye-tl.wav"
    upload.write_bytes(wav())
    log_in(page, server, "/staff/recordings")
    page.select_option("#upload-lang", "tl")
    page.select_option("#upload-prompt", "goodbye")
    page.set_input_files("#upload-file", str(upload))
    page.click("#upload-submit")
    page.wait_for_url("**/staff/recordings?lang=tl#tl-goodbye")
    assert page.input_value("#upload-lang") == "tl"  # ready for the next one
    cell = page.locator("[id='tl-goodbye']")
    assert cell.locator(".state").inner_text() == "uploaded"
    duration = cell.locator("audio").evaluate(
        "audio => new Promise(done => { audio.onloadedmetadata = () => done(audio.duration);"
        " audio.preload = 'metadata'; audio.load(); })")
    assert duration == pytest.approx(1.5, abs=0.01)  # the browser plays it from /audio/
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select')]"
        ".filter(e => !e.labels || e.labels.length === 0).length")
    assert unlabelled == 0
    page.screenshot(path=str(ARTIFACTS / "recordings.png"), full_page=True)

    page.goto(server + "/staff/admin/audit")
    rows = page.locator("#audit-table tbody tr")
    assert rows.first.locator("td").all_inner_texts()[1:4] == [
        "alice", "Recording uploaded recording.upload", "tl/goodbye"]
    assert rows.last.locator("td").all_inner_texts()[1:4] == [
        "menus folder", "Menus folder published at the first start seed", "version 1"]
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
