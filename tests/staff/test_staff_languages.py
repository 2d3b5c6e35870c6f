"""The languages page: each language's status, voice and recordings; drafts never shown reviewed."""

from __future__ import annotations

import re

from languages_support import LANGUAGES, audio

from .staff_support import PASSWORD, add_user, log_in


def rows(page: str) -> dict[str, list[str]]:
    """The table's rows by language code: the text of each cell, tags left out."""
    found = {}
    for code, cells in re.findall(r'<tr data-code="(\w+)"[^>]*>(.*?)</tr>', page, re.DOTALL):
        found[code] = [" ".join(re.sub(r"<[^>]+>", "", c).split())
                       for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells, re.DOTALL)]
    return found


def test_viewers_see_every_language_and_how_far_it_can_be_trusted(staff_app, tmp_path):
    app = staff_app(IVR_MENUS_DIR=str(LANGUAGES), IVR_AUDIO_DIR=str(audio(tmp_path / "audio")))
    add_user(app, "victor", "viewer")
    client = app.test_client()
    assert log_in(client, "victor", PASSWORD).status_code == 302
    response = client.get("/staff/languages")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = rows(page)
    assert list(found) == ["en", "tl", "vi", "zh", "th", "id", "ne", "pt", "ja", "es", "ko"]
    assert found["en"] == ["en", "English", "source text", "Polly.Joanna (en-US)",
                           "no recordings", "main"]
    assert found["vi"] == ["vi", "Tiếng Việt", "machine draft (2026-12-01), not reviewed",
                           "Google.vi-VN-Standard-A (vi-VN)", "no recordings", "main"]
    assert found["ne"] == ["ne", "नेपाली", "machine draft (2026-12-01), not reviewed",
                           "recordings only", "164 of 164 recorded, 164 placeholder(s) (not "
                           "reviewed)", "main"]
    assert '<tr data-code="ne" class="draft">' in page and '<tr data-code="en" class="">' in page
    assert 'id="nav-languages" href="/staff/languages" aria-current="page"' in page


def test_the_page_is_behind_the_login(app):
    response = app.test_client().get("/staff/languages")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")
