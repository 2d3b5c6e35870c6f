"""Cross-checks of a built tree: references, texts in every language, reach, recordings.

Pure core. Runs after every definition built without error, reports with the
place each definition was written, and returns the tree with each menu's
'back' resolved (its parent, unless the menu names one).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from ivr.phonetree import recordings, translations
from ivr.phonetree.report import Report, did_you_mean
from ivr.phonetree.tree import Action, Menu, Tree, frozen_map

MAX_LANGUAGES = 17  # the language choice: keys 1-8, and 1-9 behind its key 9


def check(tree: Tree, report: Report, require_recordings: bool = True) -> Tree:
    """Report every cross-reference problem; return the tree with 'back' resolved (without
    ``require_recordings``, a language without a voice may lack some: to make them)."""
    spoken = _spoken_languages(tree, report)
    _check_hotlines(tree, report)
    _check_services(tree, report, spoken)
    _check_menus(tree, report, spoken)
    translations.check(tree, report, spoken)
    tree = dataclasses.replace(tree, menus=frozen_map(_resolve_back(tree, report)))
    if not report.errors:
        recordings.check(tree, report, spoken if require_recordings else [])
    return tree


def _spoken_languages(tree: Tree, report: Report) -> list[str]:
    """The languages of all hotlines, in order; every text must exist in each."""
    spoken: list[str] = []
    for hotline in tree.hotlines.values():
        for code in hotline.languages:
            if code not in tree.languages:
                report.at(("hotlines", hotline.id, "languages"), f"hotline '{hotline.id}': "
                          f"language '{code}' is not defined{did_you_mean(code, tree.languages)}")
            elif code not in spoken:
                spoken.append(code)
    return spoken


def _check_hotlines(tree: Tree, report: Report) -> None:
    owners: dict[str, str] = {}
    for hotline in tree.hotlines.values():
        where = ("hotlines", hotline.id)
        if hotline.start not in tree.menus:
            report.at((*where, "start"), f"hotline '{hotline.id}': start menu "
                      f"'{hotline.start}' does not exist{did_you_mean(hotline.start, tree.menus)}")
        if len(hotline.languages) > MAX_LANGUAGES:
            report.at((*where, "languages"), f"hotline '{hotline.id}' has "
                      f"{len(hotline.languages)} languages; the language choice has room for "
                      f"{MAX_LANGUAGES}")
        for n, number in enumerate(hotline.numbers, start=1):
            if number in owners:
                report.at((*where, "numbers", str(n)), f"hotline '{hotline.id}': the number "
                          f"{number} also belongs to hotline '{owners[number]}'")
            owners[number] = hotline.id
    defaults = [h.id for h in tree.hotlines.values() if h.default]
    if len(defaults) > 1:
        report.at(("hotlines", defaults[1], "default"), f"hotlines {', '.join(defaults)} are all "
                  "'default: true'; only one can answer numbers no hotline lists")


def _check_services(tree: Tree, report: Report, spoken: list[str]) -> None:
    for service in tree.services.values():
        where = ("services", service.id)
        _texts(report, (*where, "name"), f"service '{service.id}' name", service.name, spoken,
               tree)
        for n, other in enumerate(service.alternatives, start=1):
            if other == service.id:
                report.at((*where, "alternatives", str(n)),
                          f"service '{service.id}' lists itself as an alternative")
            elif other not in tree.services:
                report.at((*where, "alternatives", str(n)), f"service '{service.id}': "
                          f"alternative '{other}' does not exist"
                          f"{did_you_mean(other, tree.services)}")
        _reasons(report, where, f"service '{service.id}'", "overrides",
                 service.schedule.overrides, spoken, tree)
    _check_calendars(tree, report, spoken)


def _check_calendars(tree: Tree, report: Report, spoken: list[str]) -> None:
    """The reasons of every calendar a service uses, once per calendar."""
    calendars = {c.id: c for s in tree.services.values() for c in s.schedule.calendars}
    for calendar in calendars.values():
        where, what = ("calendars", calendar.id), f"calendar '{calendar.id}'"
        _reasons(report, where, what, "yearly", calendar.yearly, spoken, tree)
        _reasons(report, where, what, "closures", calendar.closures, spoken, tree)


def _reasons(report: Report, where: tuple[str, ...], what: str, key: str, causes: Iterable,
             spoken: list[str], tree: Tree) -> None:
    """Each reason callers hear for a closure or an override, in every language."""
    for n, cause in enumerate(causes, start=1):
        if cause.label:
            _texts(report, (*where, key, str(n), "reason"), f"{what}, {key} item {n}: reason",
                   cause.label, spoken, tree)


def _check_menus(tree: Tree, report: Report, spoken: list[str]) -> None:
    reached = _reached(tree)
    for menu in tree.menus.values():
        where = ("menus", menu.id)
        _texts(report, (*where, "prompt"), f"menu '{menu.id}' prompt", menu.prompt, spoken,
               tree)
        if menu.back is not None and menu.back not in tree.menus:
            report.at((*where, "back"), f"menu '{menu.id}': back goes to menu '{menu.back}', "
                      f"which does not exist{did_you_mean(menu.back, tree.menus)}")
        for option in menu.options.values():
            _check_option(tree, report, menu, option, spoken)
        if menu.id not in reached:
            report.at(where, f"menu '{menu.id}' cannot be reached from any hotline's start "
                      "menu", "warning")
    for hotline in tree.hotlines.values():
        for menu_id in _reached(tree, [hotline.start]):
            for key in (hotline.keys.repeat, hotline.keys.back):
                if key in tree.menus[menu_id].options:
                    use = "repeat" if key == hotline.keys.repeat else "back"
                    report.at(("menus", menu_id, "options", key), f"menu '{menu_id}': key "
                              f"'{key}' is reserved for {use} in hotline '{hotline.id}'; "
                              "choose another key")


def _check_option(tree: Tree, report: Report, menu: Menu, option, spoken: list[str]) -> None:
    what = f"menu '{menu.id}', option '{option.key}'"
    where = ("menus", menu.id, "options", option.key)
    _texts(report, (*where, "label"), f"{what} label", option.label, spoken, tree)
    table = {Action.MENU: tree.menus, Action.CONNECT: tree.services, Action.TELL: tree.services}
    if option.action in table and option.target not in table[option.action]:
        kind = "menu" if option.action is Action.MENU else "service"
        report.at((*where, option.action.value), f"{what}: goes to {kind} '{option.target}', "
                  f"which does not exist{did_you_mean(option.target, table[option.action])}")
    elif option.action is Action.CONNECT and tree.services[option.target].dial is None:
        report.at((*where, "connect"), f"{what}: service '{option.target}' has no number "
                  "Twilio can dial; callers will hear its number (use 'tell' to say so plainly)",
                  "warning")


def _texts(report: Report, where: tuple[str, ...], what: str, texts: Mapping[str, str],
           spoken: list[str], tree: Tree) -> None:
    missing = [code for code in spoken if code not in texts]
    if missing:
        report.at(where, f"{what} has no text in {', '.join(missing)}")
    for code in texts:
        if code not in tree.languages:
            report.at((*where, code), f"{what} has text in '{code}', which is not a language of "
                      f"the menus{did_you_mean(code, tree.languages)}")


def _reached(tree: Tree, starts: Iterable[str] | None = None) -> list[str]:
    """Menus reachable by keys from ``starts`` (default: every hotline's start menu)."""
    todo = list(starts if starts is not None else (h.start for h in tree.hotlines.values()))
    seen: list[str] = []
    while todo:
        menu_id = todo.pop(0)
        if menu_id in seen or menu_id not in tree.menus:
            continue
        seen.append(menu_id)
        todo += [o.target for o in tree.menus[menu_id].options.values()
                 if o.action is Action.MENU]
    return seen


def _resolve_back(tree: Tree, report: Report) -> dict[str, Menu]:
    """Each menu's 'back': as written, else the first menu that leads to it."""
    parents: dict[str, list[str]] = {}
    for menu_id in _reached(tree):
        for option in tree.menus[menu_id].options.values():
            if option.action is Action.MENU and option.target != menu_id:
                parents.setdefault(option.target, []).append(menu_id)
    starts = {h.start for h in tree.hotlines.values()}
    resolved = {}
    for menu in tree.menus.values():
        back = menu.back
        found = [p for p in parents.get(menu.id, []) if p != menu.id]
        if back is None and menu.id not in starts and found:
            back = found[0]
            if len(set(found)) > 1:
                report.at(("menus", menu.id), f"menu '{menu.id}' is reached from "
                          f"{', '.join(sorted(set(found)))}; 'back' goes to '{back}' "
                          "(write 'back:' to choose)", "warning")
        resolved[menu.id] = dataclasses.replace(menu, back=back)
    return resolved
