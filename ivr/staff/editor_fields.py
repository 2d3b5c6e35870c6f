"""What the menu forms accept: their fields read, checked with the loader's own parsers.

Each check returns the problems as sentences an admin can act on ("Tuesday:
'9-17' is not a range of hours written HH:MM-HH:MM, e.g. 09:00-17:00"),
and the values as the menus write them.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import date

from ivr.phonetree import fields, numbers
from ivr.phonetree.hours import Span
from ivr.phonetree.report import Invalid
from ivr.phonetree.tree import Service, Tree
from ivr.staff.yamledit import ALWAYS

DAY_NAMES = fields.DAY_WORDS


def clock(span: Span) -> str:
    """A range as the menus write it: 09:00-12:30."""
    return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in (span.start, span.end))


def service_values(service: Service) -> dict[str, str]:
    """The form's fields for a service as it is now."""
    weekly = service.schedule.weekly
    values = {"dial": service.dial or "", "number": service.number or "",
              "always": "yes" if weekly.always else ""}
    for n, spans in enumerate(weekly.days):
        values[f"day-{n}"] = "" if weekly.always else ", ".join(clock(s) for s in spans)
    return values


def service_form(form: Mapping[str, str]) -> dict[str, str]:
    keys = ["dial", "number", "always", *(f"day-{n}" for n in range(7))]
    return {key: form.get(key, "").strip()[:200] for key in keys}


def service_problems(values: Mapping[str, str]) -> tuple[list[str], list[list[str]] | str]:
    """What is wrong with the numbers and hours given, and the hours as the menus write them."""
    problems = number_problems(values["dial"], values["number"])
    if values["always"]:
        return problems, ALWAYS
    days = []
    for n, name in enumerate(DAY_NAMES):
        spans, wrong = day_spans(name, values[f"day-{n}"])
        problems += wrong
        days.append([clock(s) for s in spans])
    if not any(days) and not any(p.startswith(DAY_NAMES) for p in problems):
        problems.append("Give the hours of at least one day, or tick \"open 24 hours, every "
                        "day\".")
    return problems, days


def number_problems(dial: str, number: str) -> list[str]:
    if not dial and not number:
        return ["Give the number the hotline dials, the number callers hear, or both."]
    problems = []
    if dial and numbers.why_undiallable(dial):
        problems.append(f"Number dialled: '{dial}' is {numbers.why_undiallable(dial)}, which "
                        "Twilio cannot dial: leave it empty and give it as the number callers "
                        "hear.")
    else:
        problems += invalid("Number dialled", numbers.e164, dial)
    problems += invalid("Number callers hear", numbers.told, number)
    if dial and number and not problems and not numbers.same_number(number, dial):
        problems.append(f"The number callers hear ({number}) is not the number dialled "
                        f"({numbers.as_dialled_in_japan(dial)} in Japan): callers must hear "
                        "the number the hotline dials.")
    return problems


def invalid(label: str, parse, raw: str) -> list[str]:
    if not raw:
        return []
    try:
        parse(raw)
    except Invalid as exc:
        return [f"{label}: {exc}."]
    return []


def day_spans(name: str, raw: str) -> tuple[list[Span], list[str]]:
    """The ranges of one day ("09:00-12:30, 13:30-17:00"), sorted, and what is wrong."""
    spans = []
    for part in filter(None, (p.strip() for p in raw.replace(";", ",").split(","))):
        try:
            spans.append(fields.span(part))
        except Invalid as exc:
            return [], [f"{name}: {exc}."]
    spans.sort()
    for before, after in itertools.pairwise(spans):
        if after.start < before.end:
            return [], [f"{name}: the ranges {clock(before)} and {clock(after)} overlap."]
    return spans, []


def spoken(tree: Tree) -> list[str]:
    """The languages callers can choose, in the order of the hotlines."""
    return list(dict.fromkeys(code for h in tree.hotlines.values() for code in h.languages))


def closure_form(form: Mapping[str, str], languages: list[str]) -> dict[str, str]:
    keys = ["service", "first", "last", *(f"reason-{code}" for code in languages)]
    return {key: form.get(key, "").strip()[:500] for key in keys}


def closure_problems(values: Mapping[str, str], tree: Tree, languages: list[str],
                     today: date) -> tuple[list[str], tuple[date, date] | None]:
    """What is wrong with a closure, and its first and last day."""
    problems = [] if values["service"] in tree.services else \
        ["Choose the service that closes."]
    first = day(values["first"], "First day", problems, required=True)
    last = day(values["last"], "Last day", problems) or first
    if first and last and last < first:
        problems.append(f"The last day ({last}) is before the first ({first}).")
    elif last and last < today:
        problems.append(f"The closure ends before today ({today}): a closure is for days to "
                        "come.")
    for code in languages:
        if not values[f"reason-{code}"]:
            name = tree.languages[code].name if code in tree.languages else code
            problems.append(f"Give the reason in {name} ({code}): callers who chose "
                            f"{name} hear it.")
    return problems, (first, last) if not problems else None


def day(raw: str, label: str, problems: list[str], required: bool = False) -> date | None:
    if not raw:
        if required:
            problems.append(f"{label}: give a date.")
        return None
    try:
        return fields.calendar_date(raw)
    except Invalid as exc:
        problems.append(f"{label}: {exc}.")
        return None


def own_calendar(tree: Tree, sid: str) -> str | None:
    """The calendar of dated closures only ``sid`` closes on (not a holiday list), if any."""
    used = {}
    for service in tree.services.values():
        for calendar in service.schedule.calendars:
            used.setdefault(calendar.id, set()).add(service.id)
    for calendar in tree.services[sid].schedule.calendars:
        if calendar.national_holidays is None and not calendar.yearly \
                and used[calendar.id] == {sid}:
            return calendar.id
    return None
