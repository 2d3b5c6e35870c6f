"""Turn the definitions read from the menu files into the frozen tree.

Pure core. Each builder reads one definition through a ``Section`` (so every
missing, bad or unknown key is reported with its line) and returns the typed
object, or None when it cannot be built. Cross-references between
definitions are checked afterwards, in ``checks``.
"""

from __future__ import annotations

from typing import Any

from ivr.phonetree import fields, languages, numbers, services
from ivr.phonetree.report import Definition, Invalid, Report, Section
from ivr.phonetree.tree import (
    Action,
    Hotline,
    Input,
    Keys,
    Menu,
    Option,
    Tree,
    frozen_map,
)
from ivr.phonetree.yamlsource import LocatedList, LocatedMap

MAX_OPTIONS = 5  # callers under stress remember about five choices
ORDER = ("languages", "calendars", "services", "menus", "hotlines")  # each uses the ones before


def build(definitions: list[Definition], report: Report, recordings: dict[tuple[str, str], str],
          version: str, placeholders: frozenset[tuple[str, str]] = frozenset()) -> Tree | None:
    """Build every definition; None when the files hold no hotline at all."""
    built: dict[str, dict[str, Any]] = {name: {} for name in ORDER}
    for definition in sorted(definitions, key=lambda d: ORDER.index(d.section)):
        section = _section(definition, report)
        if section is None:
            continue
        report.locate((definition.section, definition.id), definition.file, definition.node,
                      definition.line)
        value = BUILDERS[definition.section](definition.id, section, built)
        section.done(KNOWN[definition.section])
        if value is not None:
            built[definition.section][definition.id] = value
    if not built["hotlines"]:
        if not report.errors:
            report.error(definitions[0].file if definitions else "menus", 0,
                         "no hotline is defined: add a 'hotlines:' section")
        return None
    return Tree(frozen_map(built["hotlines"]), frozen_map(built["languages"]),
                frozen_map(built["services"]), frozen_map(built["menus"]),
                frozen_map(recordings), version, placeholders)


def _section(definition: Definition, report: Report) -> Section | None:
    what = f"{definition.section[:-1]} '{definition.id}'"
    try:
        fields.identifier(definition.id) if definition.section != "languages" \
            else fields.language_code(definition.id)
    except Invalid as exc:
        report.error(definition.file, definition.line, f"{what}: {exc}")
        return None
    if not isinstance(definition.node, LocatedMap):
        report.error(definition.file, definition.line, f"{what} must list its settings, "
                     "one 'name: value' per line, indented under it")
        return None
    return Section(report, definition.file, definition.node, what, definition.line)


def _menu(mid: str, s: Section, built: dict) -> Menu | None:
    prompt = s.take("prompt", fields.texts)
    back = s.take("back", fields.identifier, None)
    options = s.child("options")
    if options is None:
        if not s.has("options"):
            s.error(None, "'options' is missing: list the keys callers can press")
        return None
    if len(options.node) > MAX_OPTIONS:
        s.warning("options", f"has {len(options.node)} options; callers remember about "
                  f"{MAX_OPTIONS}: consider a submenu")
    built_options = {}
    for key in options.node:
        option = _option(mid, key, options)
        if option is not None:
            built_options[option.key] = option
    options.used.update(options.node)
    if prompt is None:
        return None
    return Menu(mid, frozen_map(prompt), frozen_map(built_options), back, s.file, s.line())


ACTIONS = ("menu", "connect", "tell", "goodbye", "language")


def _option(mid: str, key: str, options: Section) -> Option | None:
    try:
        fields.key(key)
    except Invalid as exc:
        options.report.error(options.file, options.line(key), f"menu '{mid}', option '{key}': "
                             f"{exc}")
        return None
    s = options.child(key, f"menu '{mid}', option '{key}'")
    if s is None:
        return None
    label = s.take("label", fields.texts)
    chosen = [a for a in ACTIONS if s.has(a)]
    s.done(("label", *ACTIONS))
    if len(chosen) != 1:
        s.error(None, "must do exactly one of: menu, connect, tell, goodbye, language"
                + (f" (it has {', '.join(chosen)})" if chosen else ""))
        return None
    action = Action(chosen[0])
    if action in (Action.GOODBYE, Action.LANGUAGE):
        target = None if s.take(chosen[0], fields.boolean) else False
        if target is False:
            s.error(chosen[0], f"write '{chosen[0]}: true'")
            return None
    else:
        target = s.take(chosen[0], fields.identifier)
    if label is None or target is False:
        return None
    return Option(key, action, target, frozen_map(label))


def _hotline(hid: str, s: Section, built: dict) -> Hotline | None:
    keys, entry = s.child("keys"), s.child("input")
    hotline = Hotline(
        hid, s.take("name", fields.text), s.take("numbers", _numbers, ()),
        s.take("languages", fields.language_codes), s.take("start", fields.identifier),
        s.take("timezone", fields.timezone, "Asia/Tokyo"), _keys(keys), _input(entry),
        s.take("caller_id", numbers.e164, None), s.take("default", fields.boolean, False),
        s.take("welcome", fields.language_codes, None))
    if None in (hotline.name, hotline.languages, hotline.start, hotline.keys, hotline.input):
        return None
    return hotline


def _numbers(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, LocatedList) else [raw]
    return tuple(numbers.e164(item) for item in items)


def _keys(s: Section | None) -> Keys | None:
    if s is None:
        return Keys()
    keys = Keys(s.take("repeat", fields.key, "*"), s.take("back", fields.key, "0"))
    s.done(("repeat", "back"))
    if keys.repeat == keys.back:
        s.error("back", f"repeat and back must be different keys (both are '{keys.back}')")
        return None
    return keys


def _input(s: Section | None) -> Input | None:
    if s is None:
        return Input()
    value = Input(s.take("timeout", fields.whole_number(3, 60), 10),
                  s.take("silence_retries", fields.whole_number(1, 10), 3),
                  s.take("invalid_retries", fields.whole_number(1, 10), 3))
    s.done(("timeout", "silence_retries", "invalid_retries"))
    return None if None in (value.timeout, value.silence_retries, value.invalid_retries) else value


BUILDERS = {"languages": languages.build, "calendars": services.calendar,
            "services": services.service, "menus": _menu, "hotlines": _hotline}
KNOWN = {
    "languages": languages.KNOWN,
    "calendars": ("national_holidays", "yearly", "closures"),
    "services": ("name", "dial", "number", "hours", "closed_on", "overrides", "alternatives",
                 "ring_seconds", "source", "languages", "caller_id", "timezone"),
    "menus": ("prompt", "options", "back"),
    "hotlines": ("name", "numbers", "languages", "start", "timezone", "keys", "input",
                 "caller_id", "default", "welcome"),
}
