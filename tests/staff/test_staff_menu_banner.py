"""While the menu files are rejected, every staff page says so: which file, which line, what."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser

import pytest
from conftest import MENUS

from ivr.live import menus as live

from .staff_support import PASSWORD, add_user, log_in

PAGES = ("/staff", "/staff/calls", "/staff/admin/users")


class Banner(HTMLParser):
    """The text of the element with id="menu-error", whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.words = 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth or ("id", "menu-error") in attrs:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.words.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join("".join(parser.words).split())


@pytest.fixture
def menus_dir(tmp_path):
    folder = tmp_path / "menus"
    shutil.copytree(MENUS, folder)
    return folder


def test_a_rejected_edit_is_shown_on_every_staff_page_until_it_is_fixed(staff_app, menus_dir):
    app = staff_app(IVR_MENUS_DIR=str(menus_dir))
    add_user(app, "alice", "admin")
    client = app.test_client()
    assert log_in(client, "alice", PASSWORD).status_code == 302
    good = live.of(app).current.version
    for page in PAGES:
        assert Banner.of(client.get(page).get_data(as_text=True)) == ""

    main = menus_dir / "main.yaml"
    text = main.read_text(encoding="utf-8")
    main.write_text(text.replace("menu: legal", "menu: legl"), encoding="utf-8")
    live.of(app).check()
    for page in PAGES:
        assert Banner.of(client.get(page).get_data(as_text=True)) == (
            f"The menu files were rejected: callers still hear the last good menus (version "
            f"{good}). Fix menus/main.yaml, line 35: menu 'main', option '3': goes to menu "
            f"'legl', which does not exist (did you mean 'legal'?)")

    main.write_text(text, encoding="utf-8")
    live.of(app).check()
    assert Banner.of(client.get("/staff").get_data(as_text=True)) == ""


def test_the_banner_counts_the_other_errors_and_names_the_fallback(staff_app, menus_dir):
    (menus_dir / "main.yaml").write_text(
        (menus_dir / "main.yaml").read_text(encoding="utf-8")
        .replace("menu: legal", "menu: legl").replace("menu: info", "menu: inf"),
        encoding="utf-8")
    app = staff_app(IVR_MENUS_DIR=str(menus_dir))
    add_user(app, "victor", "viewer")
    client = app.test_client()
    assert Banner.of(client.get("/staff/login").get_data(as_text=True)) == ""  # not logged in
    assert log_in(client, "victor", PASSWORD).status_code == 302
    assert Banner.of(client.get("/staff/calls").get_data(as_text=True)) == (
        "The menu files were rejected: callers still hear only the emergency fallback. Fix "
        "menus/main.yaml, line 35: menu 'main', option '3': goes to menu 'legl', which does "
        "not exist (did you mean 'legal'?) (and 1 more; run flask --app ivr menus check)")
