"""Edited menus are served without a restart; a broken edit keeps the last good tree."""

from __future__ import annotations

import time

from conftest import post, says, twiml


def test_edits_are_picked_up_and_broken_edits_are_refused(make_app, menus_copy, caplog):
    menus = menus_copy
    app = make_app(IVR_MENUS_DIR=str(menus), IVR_MENU_RELOAD_SECONDS=0.001)
    client = app.test_client()
    url = "/voice/menu?h=main&l=en&t=main"
    assert says(twiml(post(client, url)))[0] == ("en-US", "Please choose what you need.")

    main = menus / "main.yaml"
    good = main.read_text(encoding="utf-8")
    main.write_text(good.replace("Please choose what you need.", "What do you need?"),
                    encoding="utf-8")
    time.sleep(0.01)
    assert says(twiml(post(client, url)))[0] == ("en-US", "What do you need?")

    main.write_text(good.replace("menu: legal", "menu: legl"), encoding="utf-8")
    time.sleep(0.01)
    assert says(twiml(post(client, url)))[0] == ("en-US", "What do you need?")
    assert (": error: menu 'main', option '3': goes to menu 'legl', which does not exist "
            "(did you mean 'legal'?)") in caplog.text
    assert "\nmenus/main.yaml:" in caplog.text
    assert "keeping the last good menus" in caplog.text
    assert client.get("/healthz").json == {"status": "ok", "menus": app.extensions[
        "ivr.menus"].current.tree.version[:12], "menu_errors": 1}

    main.write_text(good, encoding="utf-8")
    time.sleep(0.01)
    assert says(twiml(post(client, url)))[0] == ("en-US", "Please choose what you need.")
    assert client.get("/healthz").json["menu_errors"] == 0


def test_with_reload_off_nothing_is_stat_per_request(make_app, tmp_path, monkeypatch):
    from ivr.phonetree import loader

    client = make_app(IVR_MENU_RELOAD_SECONDS=0).test_client()
    calls = []
    monkeypatch.setattr(loader, "fingerprint", lambda *a: calls.append(a) or "x")
    for _ in range(3):
        twiml(post(client, "/voice/menu?h=main&l=en&t=main"))
    assert calls == []


def test_an_unreadable_menu_file_keeps_the_last_good_tree(make_app, menus_copy, monkeypatch):
    menus = menus_copy
    app = make_app(IVR_MENUS_DIR=str(menus), IVR_MENU_RELOAD_SECONDS=0.001)
    client = app.test_client()
    real_open = open

    def refusing(path, *args, **kwargs):
        if str(path).endswith("main.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    (menus / "main.yaml").touch()
    monkeypatch.setattr("builtins.open", refusing)
    time.sleep(0.01)
    root = twiml(post(client, "/voice/menu?h=main&l=en&t=main"))
    assert says(root)[0] == ("en-US", "Please choose what you need.")
    problems = [str(p) for p in app.extensions["ivr.menus"].problems if p.level == "error"]
    assert problems == ["menus/main.yaml:1: error: the file cannot be read (Permission denied)"]
