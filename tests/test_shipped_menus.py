"""The shipped menus/ (which operators edit): they load, pass every check, reach every service.

The only tests that read the shipped menus and audio folders; every other test
runs on the fixture tree in tests/menus (conftest guards this), so an operator
who rewords a prompt or changes a service keeps a green suite. What is checked
here holds for any good tree, not for today's words: the only warnings are the
translations and recordings no person has reviewed yet (each language says
which it is), and every caller can choose their language within a minute.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import AUDIO, MENUS, SHIPPED, jst

from ivr.call import choice, engine, timing
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
    step = engine.respond(tree, choice.place(hotline), _key(hotline, lang), NOW)
    if lang in hotline.more_keys:  # 9, then its key in the second list
        step = engine.respond(tree, step.gather.action, _key(hotline, lang, more=True), NOW)
    todo = [step]
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


def _key(hotline: Hotline, lang: str, more: bool = False) -> str:
    if more:
        return str(hotline.more_keys.index(lang) + 1)
    return str(hotline.first_keys.index(lang) + 1) if lang in hotline.first_keys else "9"


UNREVIEWED = (r"^menus/languages/(\w+)\.yaml:\d+: warning: language '\1' \(.+\) is a (machine )?"
              r"draft, not reviewed: .*$",
              r"^menus/languages/(\w+)\.yaml:\d+: warning: language '\1': \d+ of its recordings "
              r"are placeholders made by a speech synthesiser, .*$")


def test_menus_check_passes_with_no_error_and_warns_only_of_unreviewed_work(
        make_app, shipped: Tree) -> None:
    menus, audio = map(str, SHIPPED)
    result = make_app().test_cli_runner().invoke(
        args=["menus", "check", "--dir", menus, "--audio", audio])
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert [w for w in warnings if not any(re.match(p, w) for p in UNREVIEWED)] == []
    lines = result.stdout.splitlines()
    assert lines[0] == (f"OK: {len(shipped.hotlines)} hotline(s), "
                        f"{len(shipped.languages)} language(s), {len(shipped.menus)} "
                        f"menu(s), {len(shipped.services)} service(s), "
                        f"{len(warnings)} warning(s).")
    assert lines[1] == "Languages:"
    assert len(lines) == 3 + len(shipped.languages)
    assert [line for line in lines if "status not stated" in line] == []
    assert lines[-1].startswith("Reviewed: ")


def test_every_language_says_whether_it_is_reviewed(shipped: Tree) -> None:
    states = {code: language.status.state for code, language in shipped.languages.items()}
    assert {code: state for code, state in states.items()
            if state not in ("source", "machine draft", "draft", "reviewed")} == {}
    reviewed = [lang.status for lang in shipped.languages.values()
                if lang.status.state == "reviewed"]
    assert all(status.by and status.on for status in reviewed)


def test_every_caller_hears_the_key_of_their_language_within_a_minute(shipped: Tree) -> None:
    """Words x typical rates (ivr.call.timing), recordings by their words too."""
    late = {(hotline.id, r.code): round(r.seconds, 1) for hotline in shipped.hotlines.values()
            for r in timing.reach(shipped, hotline) if r.seconds >= 60}
    assert late == {}


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
