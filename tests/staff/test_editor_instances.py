"""A version published through the staff pages reaches calls on every instance sharing the
database: the publishing worker at once, another instance at its next look."""

from __future__ import annotations

from conftest import post, says, twiml

from ivr.live import menus as live

from .editor_support import draft, form, save, start
from .staff_support import PASSWORD, add_user, log_in

MENU = "/voice/menu?h=main&l=en&t=main"


def test_a_version_published_in_the_pages_reaches_a_call_on_another_instance(
        staff_app, migrated_url, tmp_path):
    one = staff_app(IVR_MENUS_SOURCE="database", INSTANCE_PATH=str(tmp_path / "one"))
    two = staff_app(IVR_MENUS_SOURCE="database", INSTANCE_PATH=str(tmp_path / "two"))
    add_user(one, "alice", "admin")
    admin = one.test_client()
    log_in(admin, "alice", PASSWORD)
    start(admin)
    body = draft(one).files["main.yaml"].replace("en: Please choose what you need.",
                                                 "en: What do you need today?")
    save(admin, "main.yaml", body, 1)
    assert form(admin, "/staff/menus/publish", "/staff/menus/publish", revision="2",
                note="friendlier").status_code == 302
    assert says(twiml(post(one.test_client(), MENU)))[0] == ("en-US", "What do you need today?")
    caller = two.test_client()
    assert says(twiml(post(caller, MENU)))[0] == ("en-US", "Please choose what you need.")
    assert live.of(two).check() is True  # its watcher's next look
    answer = post(caller, MENU)
    assert says(twiml(answer))[0] == ("en-US", "What do you need today?")
    assert answer.headers["X-IVR-Tree"] == post(one.test_client(), MENU).headers["X-IVR-Tree"]
