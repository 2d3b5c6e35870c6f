"""What staff read for the log's ids: outcomes, hotlines, languages, services and menus.

Names come from the current menus tree when it knows the id; an id it does
not know (a service since removed, no menus loaded) is shown as itself, so a
page never fails for want of a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.calllog.outcome import Outcome
from ivr.phonetree.tree import Tree

OUTCOMES = {
    Outcome.CONNECTED: "Connected",
    Outcome.TOLD_NUMBER: "Told a number",
    Outcome.DIAL_FAILED: "Connection failed",
    Outcome.CLOSED: "Found it closed",
    Outcome.ENDED_IN_MENU: "Hung up in a menu",
    Outcome.NO_INPUT: "Silence",
}
# Places that are not menus, as the engine names them ("offer:iom").
PLACES = {"offer": "the alternatives to {}", "tell": "the number of {}",
          "dialled": "the connection to {}", "service": "{}"}
# Colour-blind-safe (Okabe-Ito hues), each at least 3:1 against white; greys for drop-offs.
COLOURS = {
    Outcome.CONNECTED: "#009E73",
    Outcome.TOLD_NUMBER: "#0072B2",
    Outcome.DIAL_FAILED: "#D55E00",
    Outcome.CLOSED: "#CC79A7",
    Outcome.ENDED_IN_MENU: "#3D3D3D",
    Outcome.NO_INPUT: "#8C8C8C",
}


@dataclass(frozen=True)
class Names:
    """Names of the ids in the call log, from ``tree`` (None: no menus could be loaded)."""

    tree: Tree | None

    def hotline(self, hotline_id: str | None) -> str:
        if not hotline_id:
            return "unknown hotline"
        found = self.tree.hotlines.get(hotline_id) if self.tree else None
        return found.name if found else hotline_id

    def language(self, code: str | None) -> str:
        if not code:
            return "no language chosen"
        found = self.tree.languages.get(code) if self.tree else None
        return f"{found.name} ({code})" if found else code

    def service(self, service_id: str | None) -> str:
        """Return a service's English name as staff say it ("IOM Tokyo"), else its id."""
        if not service_id:
            return "no service chosen"
        found = self.tree.services.get(service_id) if self.tree else None
        name = (found.name.get("en") or next(iter(found.name.values()), "")) if found else ""
        if name.lower().startswith("the "):  # spoken form: "the police consultation line"
            name = name[4:]
        return name[:1].upper() + name[1:] if name else service_id

    def menu(self, where: str | None) -> str:
        """Return a place of a call as the log names it ("main", "offer:iom") in words."""
        if not where:
            return "before any menu"
        kind, _, target = where.partition(":")
        if where == "language":
            return "the language choice"
        if target and kind in PLACES:
            return PLACES[kind].format(self.service(target))
        return f"menu {where}"

    def outcome(self, outcome: str, menu_id: str | None = None) -> str:
        label = OUTCOMES.get(outcome, outcome)  # StrEnum keys match their plain strings
        return f"{label} ({self.menu(menu_id)})" if menu_id else label

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """Return the (value, label) options of the filters' selects, from the tree."""
        tree = self.tree
        return {
            "hotline": [(h, self.hotline(h)) for h in tree.hotlines] if tree else [],
            "language": [(c, self.language(c)) for c in tree.languages] if tree else [],
            "service": [(s, self.service(s)) for s in tree.services] if tree else [],
            "outcome": [(str(o), label) for o, label in OUTCOMES.items()],
        }
