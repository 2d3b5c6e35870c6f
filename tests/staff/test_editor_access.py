"""Who may edit the menus, and where: admins only, CSRF on every form, never in folder mode."""

from __future__ import annotations

import re

import pytest

from ivr.staff.editor_store import FOLDER_MODE

from .editor_support import draft, form, history, start
from .staff_support import PASSWORD, add_user, log_in, text

EDITING = [  # (method, url) of every page that changes or prepares a change
    ("POST", "/staff/menus/draft/start"),
    ("GET", "/staff/menus/draft"),
    ("POST", "/staff/menus/draft/save"),
    ("GET", "/staff/menus/draft/diff"),
    ("GET", "/staff/menus/draft/stored?file=main.yaml"),
    ("POST", "/staff/menus/draft/languages"),
    ("GET", "/staff/menus/draft/remove?file=main.yaml"),
    ("POST", "/staff/menus/draft/remove"),
    ("GET", "/staff/menus/draft/discard"),
    ("POST", "/staff/menus/draft/discard"),
    ("GET", "/staff/menus/publish"),
    ("POST", "/staff/menus/publish"),
    ("GET", "/staff/menus/versions/1/rollback"),
    ("POST", "/staff/menus/versions/1/rollback"),
    ("GET", "/staff/menus/forms"),
    ("GET", "/staff/menus/forms/service/iom"),
    ("POST", "/staff/menus/forms/service/iom"),
    ("GET", "/staff/menus/forms/closure"),
    ("POST", "/staff/menus/forms/closure"),
]


@pytest.fixture
def database_app(staff_app, migrated_url):
    return staff_app(IVR_MENUS_SOURCE="database")


def request(client, method: str, url: str, **data: str):
    if method == "GET":
        return client.get(url)
    return form(client, url, **data)


@pytest.mark.parametrize(("method", "url"), EDITING)
def test_in_folder_mode_every_editing_page_says_why_it_is_off(admin_client, method, url):
    response = request(admin_client, method, url, revision="1", note="n", file="main.yaml")
    assert response.status_code == 409
    assert re.search(r'<p id="error-message">(.*?)</p>', text(response)).group(1) == \
        FOLDER_MODE


def test_the_folder_mode_overview_explains_how_to_switch(app, admin_client):
    page = text(admin_client.get("/staff/menus"))
    assert "Browser editing is off on this instance." in page
    assert "set IVR_MENUS_SOURCE=database and restart" in page
    assert 'id="start-draft"' not in page
    assert "This worker serves the menus folder (tree " in page
    start(admin_client)
    assert draft(app) is None


@pytest.mark.parametrize(("method", "url"), EDITING)
def test_viewers_may_not_edit(database_app, method, url):

    add_user(database_app, "victor", "viewer")
    client = database_app.test_client()
    log_in(client, "victor", PASSWORD)
    response = request(client, method, url, revision="1", note="n", file="main.yaml")
    assert response.status_code == 403
    assert draft(database_app) is None and [v[0] for v in history(database_app)] == [1]


@pytest.mark.parametrize("url", ["/staff/menus", "/staff/menus/versions",
                                 "/staff/menus/versions/1", "/staff/menus/versions/1/diff"])
def test_viewers_may_look(database_app, url):

    add_user(database_app, "victor", "viewer")
    client = database_app.test_client()
    log_in(client, "victor", PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert 'href="/staff/menus/draft"' not in text(response)  # no link they cannot follow


def test_anonymous_visitors_are_sent_to_log_in(database_app):
    client = database_app.test_client()
    assert client.get("/staff/menus").location == "/staff/login?next=/staff/menus"
    assert client.post("/staff/menus/draft/start").status_code in (302, 400)
    assert draft(database_app) is None


def test_every_form_of_the_editor_carries_a_csrf_token(database_app):

    add_user(database_app, "alice", "admin")
    client = database_app.test_client()
    log_in(client, "alice", PASSWORD)
    start(client)
    for url in ("/staff/menus/draft", "/staff/menus/publish", "/staff/menus/draft/discard",
                "/staff/menus/draft/remove?file=main.yaml", "/staff/menus/versions/1/rollback",
                "/staff/menus/forms/service/iom", "/staff/menus/forms/closure"):
        page = text(client.get(url))
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        assert forms, url
        assert all('name="csrf_token"' in f for f in forms), url


def test_a_post_without_the_token_changes_nothing(database_app):

    add_user(database_app, "alice", "admin")
    client = database_app.test_client()
    log_in(client, "alice", PASSWORD)
    refused = client.post("/staff/menus/draft/start", data={"csrf_token": "forged"})
    assert refused.status_code == 400
    assert draft(database_app) is None
    start(client)
    refused = client.post("/staff/menus/publish", data={"revision": "1", "note": "x"})
    assert refused.status_code == 400
    assert [v[0] for v in history(database_app)] == [1]
