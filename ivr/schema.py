"""Turn the definitions read from the menu files into the frozen tree.

Pure core. Each builder reads one definition through a ``Section`` (so every
missing, bad or unknown key is reported with its line) and returns the typed
object, or None when it cannot be built. Cross-references between
definitions are checked afterwards, in ``checks``.
"""

from __future__ import annotations

from typing import Any

import holidays

from ivr import fields, languages
from ivr.hours import Calendar, Closure, Override, Schedule, YearlyClosure
from ivr.loader import Definition, Invalid, Report, Section, did_you_mean
from ivr.tree import (
    Action,
    Hotline,
    Input,
    Keys,
    Menu,
    Option,
    Service,
    Source,
    Tree,
    frozen_map,
)
from ivr.yamlsource import LocatedList, LocatedMap

MAX_OPTIONS = 5  # callers under stress remember about five choices
ORDER = ("languages", "calendars", "services", "menus", "hotlines")  # each uses the ones before


def build(definitions: list[Definition], report: Report, recordings: dict[tuple[str, str], str],
          version: str) -> Tree | None:
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
                frozen_map(recordings), version)


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


def _calendar(cid: str, s: Section, built: dict) -> Calendar | None:
    country = s.take("national_holidays", _country, None)
    yearly = tuple(_each(s, "yearly", lambda c, n: YearlyClosure(
        c.take("from", fields.day_of_year), c.take("to", fields.day_of_year),
        c.take("reason", fields.texts, {}), f"closure.{cid}.y{n}"), ("from", "to", "reason")))
    closures = tuple(_each(s, "closures", lambda c, n: _closure(cid, c, n),
                           ("date", "from", "to", "reason")))
    return Calendar(cid, country, yearly, closures)


def _closure(cid: str, c: Section, n: int) -> Closure:
    if c.has("date"):
        first = last = c.take("date", fields.calendar_date)
    else:
        first, last = c.take("from", fields.calendar_date), c.take("to", fields.calendar_date)
    if first and last and last < first:
        c.error("to", f"ends ({last}) before it starts ({first})")
    return Closure(first, last, c.take("reason", fields.texts), f"closure.{cid}.{n}")


def _country(raw: Any) -> str:
    code = fields.text(raw).upper()
    if code not in holidays.list_supported_countries():
        raise Invalid(f"'{code}' is not a country the holidays package knows; Japan is JP")
    return code


def _each(s: Section, key: str, make, known: tuple[str, ...]) -> list[Any]:
    """Build every item of the list under ``key``; skip the ones with problems."""
    s.used.add(key)
    raw = s.node.get(key)
    if raw is None:
        return []
    if not isinstance(raw, LocatedList):
        s.error(key, f"'{key}' must be a list, each item starting with '- '")
        return []
    items = []
    for n, (node, line) in enumerate(zip(raw, raw.lines, strict=True), start=1):
        if not isinstance(node, LocatedMap):
            s.report.error(s.file, line, f"{s.what}: each item of '{key}' must be settings")
            continue
        item = Section(s.report, s.file, node, f"{s.what}, {key} item {n}", line)
        before = len(s.report.errors)
        value = make(item, n)
        item.done(known)
        if len(s.report.errors) == before:
            items.append(value)
    return items


def _service(sid: str, s: Section, built: dict) -> Service | None:
    zone = s.take("timezone", fields.timezone, "Asia/Tokyo")
    weekly = s.take("hours", fields.weekly)
    overrides = tuple(_each(s, "overrides", lambda c, n: _override(sid, c, n, zone or "Asia/Tokyo"),
                            ("state", "from", "until", "reason")))
    calendar_ids = s.take("closed_on", fields.id_list, ())
    dial, told = _dial(s)
    number = s.take("number", fields.text, None)
    if number is None and not s.has("dial"):
        s.error(None, "give 'dial' (a number Twilio can call) or 'number' (a number "
                "to read out), or both")
    elif number is None and told:
        s.error("dial", "Twilio cannot dial it, so give 'number': the number callers hear "
                "and can dial themselves")
    calendars = _calendars(s, calendar_ids or (), built["calendars"])
    service = Service(
        sid, s.take("name", fields.texts), dial, number,
        Schedule(weekly, calendars, overrides, zone or "Asia/Tokyo") if weekly else None,
        s.take("alternatives", fields.id_list, ()),
        s.take("ring_seconds", fields.whole_number(5, 120), 30),
        _source(s), s.take("languages", _codes, ()), s.take("caller_id", fields.e164, None))
    return service if None not in (service.name, service.schedule, service.source) else None


def _dial(s: Section) -> tuple[str | None, bool]:
    """The number Twilio dials, and whether 'dial' names one it cannot (0570, 110)."""
    raw = s.node.get("dial")
    why = fields.why_undiallable(raw) if isinstance(raw, str) else None
    if why is None:
        return s.take("dial", fields.e164, None), False
    s.used.add("dial")
    s.warning("dial", f"'{raw.strip()}' is {why}, which Twilio cannot dial: callers will "
              "hear the number instead")
    return None, True


def _calendars(s: Section, ids: tuple[str, ...], known: dict[str, Calendar]) -> tuple:
    for cid in ids:
        if cid not in known and ("calendars", cid) not in s.report.places:
            s.error("closed_on", f"'closed_on' names the calendar '{cid}', which does not "
                    f"exist{did_you_mean(cid, known)}")
    return tuple(known[cid] for cid in ids if cid in known)


def _codes(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, LocatedList) else [raw]
    return tuple(fields.language_code(item) for item in items)


def _override(sid: str, c: Section, n: int, zone: str) -> Override:
    state = c.take("state", _state)
    start = c.take("from", fields.local_datetime(zone))
    end = c.take("until", fields.local_datetime(zone))
    if start and end and end <= start:
        c.error("until", f"must come after 'from' ({start:%Y-%m-%d %H:%M})")
    reason = c.take("reason", fields.texts, {}) if state else c.take("reason", fields.texts)
    return Override(start, end, bool(state), reason or {}, f"override.{sid}.{n}")


def _state(raw: Any) -> bool:
    value = fields.text(raw).lower()
    if value not in {"open", "closed"}:
        raise Invalid(f"must be 'open' or 'closed', not '{value}'")
    return value == "open"


def _source(s: Section) -> Source | None:
    src = s.child("source")
    if src is None:
        if not s.has("source"):
            s.error(None, "'source' is missing: say where the number and hours come from "
                    "and when they were checked")
        return None
    source = Source(src.take("name", fields.text), src.take("url", fields.text, None),
                    src.take("checked", fields.calendar_date), src.take("note", fields.text, None))
    src.done(("name", "url", "checked", "note"))
    return source if source.name and source.checked else None


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
        s.take("languages", _codes), s.take("start", fields.identifier),
        s.take("timezone", fields.timezone, "Asia/Tokyo"), _keys(keys), _input(entry),
        s.take("caller_id", fields.e164, None), s.take("default", fields.boolean, False))
    if None in (hotline.name, hotline.languages, hotline.start, hotline.keys, hotline.input):
        return None
    return hotline


def _numbers(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, LocatedList) else [raw]
    return tuple(fields.e164(item) for item in items)


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


BUILDERS = {"languages": languages.build, "calendars": _calendar, "services": _service,
            "menus": _menu, "hotlines": _hotline}
KNOWN = {
    "languages": ("name", "say", "phrases", "weekdays", "months", "keys", "digits"),
    "calendars": ("national_holidays", "yearly", "closures"),
    "services": ("name", "dial", "number", "hours", "closed_on", "overrides", "alternatives",
                 "ring_seconds", "source", "languages", "caller_id", "timezone"),
    "menus": ("prompt", "options", "back"),
    "hotlines": ("name", "numbers", "languages", "start", "timezone", "keys", "input",
                 "caller_id", "default"),
}
