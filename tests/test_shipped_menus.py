"""The shipped menus/ (which operators edit): they load, pass every check, reach every service.

The only tests that read the shipped menus and audio folders; every other test
runs on the fixture tree in tests/menus (conftest guards this), so an operator
who rewords a prompt or changes a service keeps a green suite. What is checked
here holds for any good tree, not for today's words.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import AUDIO, MENUS, SHIPPED, jst

from ivr.call import engine
from ivr.call.engine import Kind, Place
from ivr.call.events import Kind as E
from ivr.phonetree import loader
from ivr.phonetree.tree import Hotline, Tree, frozen_map

KEYS = "0123456789*#"
NOW = jst("2026-11-24 10:00")  # any time: choosing a service is the same, open or closed


@pytest.fixture
def shipped() -> Tree:
    return loader.load(*map(str, SHIPPED)).tree


def reached(tree: Tree, hotline: Hotline, lang: str) -> set[str]:
    """The services a caller of ``hotline`` in ``lang`` can choose by keys (connect or tell).

    Walks every menu the engine leads to from the language choice, pressing
    every key in each, and collects the services the steps say were chosen.
    """
    choose = Place(Kind.LANGUAGE, hotline.id, target="language")
    todo = [engine.respond(tree, choose, str(hotline.languages.index(lang) + 1), NOW)]
    seen: set[Place] = set()
    services: set[str] = set()
    while todo:
        step = todo.pop()
        services |= {e.data["service"] for e in step.events if e.kind is E.SERVICE_CHOSEN}
        place = step.gather.action.fresh() if step.gather else None
        if place is None or place.kind is not Kind.MENU or place in seen:
            continue
        assert place.lang == lang
        seen.add(place)
        todo += [engine.respond(tree, place, key, NOW) for key in KEYS]
    return services


def test_menus_check_passes_with_no_error_or_warning(make_app, shipped: Tree) -> None:
    menus, audio = map(str, SHIPPED)
    result = make_app().test_cli_runner().invoke(
        args=["menus", "check", "--dir", menus, "--audio", audio])
    assert result.stderr == ""
    assert result.exit_code == 0
    assert result.stdout == (f"OK: {len(shipped.hotlines)} hotline(s), "
                             f"{len(shipped.languages)} language(s), {len(shipped.menus)} "
                             f"menu(s), {len(shipped.services)} service(s), 0 warning(s).\n")


def test_every_service_is_reached_from_the_start_in_every_language(shipped: Tree) -> None:
    missing = {(hotline.id, lang): sorted(set(shipped.services) - reached(shipped, hotline, lang))
               for hotline in shipped.hotlines.values() for lang in hotline.languages}
    assert {where: ids for where, ids in missing.items() if ids} == {}


def test_the_walk_misses_a_service_no_key_leads_to() -> None:
    tree = loader.load(str(MENUS), str(AUDIO)).tree
    hotline = tree.default_hotline
    assert reached(tree, hotline, "tl") == set(tree.services)
    legal = tree.menus["legal"]
    options = {k: o for k, o in legal.options.items() if o.target != "fresc"}
    cut = dataclasses.replace(tree, menus=frozen_map(
        {**tree.menus, "legal": dataclasses.replace(legal, options=frozen_map(options))}))
    assert reached(cut, hotline, "tl") == set(tree.services) - {"fresc"}
