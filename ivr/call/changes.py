"""Which caller paths change between two trees, as sentences staff understand.

Pure core. Both trees are walked (``paths.walk``) for each language and
moment; a path is compared on where it leads first (the number dialled or
told, closed or not and why, what is offered), then on what the caller hears
(the sentences in order, so a changed prompt shows too). A path that only one
tree has is new or gone; the paths after a new or gone path, or after one
that now leads elsewhere, are counted in that path's sentence rather than
listed one by one. Paths with the same change are told in one sentence:

    Tagalog, 3-1 at weekday 10:00: now dials +81 50-3754-5430 instead of telling
    0570-078377
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from ivr.call import paths
from ivr.call.moments import Moment
from ivr.call.paths import End, Goes, Path, Walk
from ivr.phonetree.tree import Tree

SHOWN_PATHS = 4  # paths named in one sentence; more are counted
CUT = "not compared (the tree has more paths than are walked)"


@dataclass(frozen=True)
class Change:
    """One change callers meet, on one or more paths, in one language at one moment."""

    lang: str
    language: str  # the language's name
    moment: Moment
    paths: tuple[str, ...]  # the paths' labels ("3-1", "4 (busy)-1")
    what: str  # "now dials +81 50-3754-5430 instead of telling 0570-078377"

    @property
    def where(self) -> str:
        """The paths, the first few named: "1, 2 (busy)-1 and 3-1"."""
        return _listed(self.paths)

    @property
    def sentence(self) -> str:
        return f"{self.language}, {self.where} at {self.moment.name}: {self.what}"


def diff(old: Tree, new: Tree, hotline: str, moments: Sequence[Moment]) -> list[Change]:
    """The changes of ``hotline``'s paths from ``old`` to ``new``: per language (in the new
    tree's order, then the languages it dropped), per moment."""
    changes: list[Change] = []
    for lang in languages(old, new, hotline):
        name = (new.languages.get(lang) or old.languages[lang]).name
        for moment in moments:
            before = paths.walk(old, hotline, lang, moment.at)
            after = paths.walk(new, hotline, lang, moment.at)
            for keys, what in compare(before, after, _Names(old, new)):
                _add(changes, Change(lang, name, moment, (keys,), what))
            if before.truncated or after.truncated:
                _add(changes, Change(lang, name, moment, ("the paths beyond the first "
                                                          f"{paths.MAX_PATHS}",), CUT))
    return changes


@dataclass
class _Tally:
    """The paths counted in a reported one: new, gone and changed after it."""

    moved: bool  # it leads elsewhere: the changes after it are counted too, not only new/gone
    new: int = 0
    gone: int = 0
    changed: int = 0

    def count(self, state: str) -> None:
        if state == "new":
            self.new += 1
        elif state == "gone":
            self.gone += 1
        else:
            self.changed += 1

    def words(self) -> str:
        """" (after it: 5 new paths, 4 paths gone, 1 path changed)"."""
        parts = [text for n, text in (
            (self.new, f"{self.new} new path{'s' if self.new > 1 else ''}"),
            (self.gone, f"{self.gone} path{'s' if self.gone > 1 else ''} gone"),
            (self.changed, f"{self.changed} path{'s' if self.changed > 1 else ''} changed"))
            if n]
        return f" (after it: {', '.join(parts)})" if parts else ""


def compare(before: Walk, after: Walk, names: _Names) -> list[tuple[str, str]]:
    """(path label, what changed) for every path that changed, in the new walk's order.

    The new and gone paths after a new, gone or moved path (one that leads to another
    place, or offers other choices), and the changed paths after a moved one, are counted
    in that path's sentence instead."""
    old, new = before.paths, after.paths
    order = list(new) + [keys for keys in old if keys not in new]
    tallies: dict[tuple, _Tally] = {}
    reported: dict[tuple, str] = {}
    for keys in sorted(order, key=len):  # a path after its beginnings
        state = _state(old.get(keys), new.get(keys))
        if state == "moved" and not keys:  # the greeting: the paths after it stay comparable
            state = "leads"
        if state is None:
            continue
        above = _above(keys, tallies, state in ("new", "gone"))
        if above is not None:
            tallies[above].count(state)
            continue
        reported[keys] = state
        if state in ("new", "gone", "moved"):
            tallies[keys] = _Tally(moved=state == "moved")
    return [(paths.label(keys), _what(reported[keys], old.get(keys), new.get(keys), names)
             + (tallies[keys].words() if keys in tallies else ""))
            for keys in order if keys in reported]


def _state(old: Path | None, new: Path | None) -> str | None:
    """new, gone, moved (to another place, or other choices), leads (elsewhere: another
    number, reason or opening), heard (other words), or None (no change)."""
    if old is None:
        return "new"
    if new is None:
        return "gone"
    if (old.end.goes, old.end.target, old.end.offered) != \
            (new.end.goes, new.end.target, new.end.offered):
        return "moved"
    if old.end != new.end:
        return "leads"
    return "heard" if old.heard != new.heard else None


def _above(keys: tuple, tallies: dict[tuple, _Tally], new_or_gone: bool) -> tuple | None:
    """The nearest reported path before ``keys`` that counts it: any, for a new or gone
    path; a moved one, for a path both trees have."""
    for cut in range(len(keys) - 1, -1, -1):
        tally = tallies.get(keys[:cut])
        if tally is not None and (new_or_gone or tally.moved):
            return keys[:cut]
    return None


def _what(state: str, old: Path | None, new: Path | None, names: _Names) -> str:
    if state == "new":
        return f"a new path: it {names.does(new.end)}"
    if state == "gone":
        return f"no longer possible (it {names.did(old.end)})"
    if state in ("moved", "leads"):
        return names.instead(old.end, new.end)
    return heard_change(old.heard, new.heard)


def heard_change(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """The first difference in what is heard, in words, and how many more there are."""
    ops = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    tag, i1, _, j1, _ = ops[0]
    if tag == "replace":
        text = f"now hears '{new[j1]}' instead of '{old[i1]}'"
    elif tag == "insert":
        text = f"now hears '{new[j1]}' first" if j1 == 0 else \
            f"now hears '{new[j1]}' after '{new[j1 - 1]}'"
    else:
        text = f"no longer hears '{old[i1]}'"
    more = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in ops) - 1
    return text + (f" (and {more} more sentence{'s differ' if more > 1 else ' differs'})"
                   if more else "")


# How each kind of end is said: present, past, -ing.
VERBS = {Goes.LANGUAGES: ("plays", "played", "playing"), Goes.MENU: ("plays", "played", "playing"),
         Goes.DIAL: ("dials", "dialled", "dialling"), Goes.TELL: ("tells", "told", "telling"),
         Goes.CLOSED: ("says", "said", "saying"), Goes.OFFER: ("says", "said", "saying"),
         Goes.GOODBYE: ("says", "said", "saying"), Goes.BACK: ("goes", "went", "going")}
FAILED = {"busy": "is busy", "no_answer": "did not answer", "failed": "could not be reached",
          "language": "does not speak the caller's language"}


class _Names:
    """Where a path leads, in staff's words, with the services' English names."""

    def __init__(self, *trees: Tree) -> None:
        self.trees = trees

    def service(self, service_id: str | None) -> str:
        for tree in reversed(self.trees):
            found = tree.services.get(service_id or "")
            if found is not None:
                return found.name.get("en") or next(iter(found.name.values()))
        return str(service_id)

    def does(self, end: End) -> str:
        """"dials +81 50-3754-5430 (Houterasu legal support)"."""
        return f"{VERBS[end.goes][0]} {self.rest(end)}"

    def did(self, end: End) -> str:
        return f"{VERBS[end.goes][1]} {self.rest(end)}"

    def instead(self, old: End, new: End) -> str:
        """What a path now leads to instead of what it led to."""
        same = (old.goes, old.target) == (new.goes, new.target)
        if same and old.number != new.number:
            return (f"now {VERBS[new.goes][0]} {paths.shown_number(new.number or '-')} "
                    f"instead of {paths.shown_number(old.number or '-')}")
        offers = f"offers {self.offers(new)} instead of {self.offers(old)}"
        if same and (old.why, old.opens) != (new.why, new.opens):
            # (only a closed service has a reason and an opening time)
            return f"now says {self.service(new.target)} is closed ({self.reason(new)}) " \
                   f"instead of ({self.reason(old)})" + \
                (f", and {offers}" if old.offered != new.offered else "")
        if same:
            return f"now {offers}"
        named = old.target != new.target  # a number, not a service, when it is the same
        offered = f"; it offers {self.offers(new)}" if new.goes in (Goes.CLOSED, Goes.OFFER) \
            else ""
        return f"now {VERBS[new.goes][0]} {self.rest(new, offers=False, named=named)} " \
               f"instead of {VERBS[old.goes][2]} {self.rest(old, offers=False, named=named)}" \
               + offered

    def rest(self, end: End, offers: bool = True, named: bool = True) -> str:
        """What follows the verb: "0570-078377 (the human rights line)"."""
        name = self.service(end.target)
        number = paths.shown_number(end.number) if end.number else "its hours"
        offer = f" and offers {self.offers(end)}" if offers else ""
        return {
            Goes.LANGUAGES: "the language choice" + (f" (this language: key {end.target})"
                                                     if end.target else ""),
            Goes.MENU: f"the menu '{end.target}'",
            Goes.DIAL: f"{number} ({name})" if named else number,
            Goes.TELL: f"{number} ({name})" if named else number,
            Goes.CLOSED: f"{name} is closed ({self.reason(end)}){offer}",
            Goes.OFFER: f"{name} {FAILED.get(end.why or '', end.why)}{offer}",
            Goes.GOODBYE: "goodbye, and the call ends",
            Goes.BACK: f"back to '{end.target}'",
        }[end.goes]

    @staticmethod
    def reason(end: End) -> str:
        opens = f"opens {end.opens:%a %Y-%m-%d %H:%M}" if end.opens else "no opening known"
        return f"{end.why}; {opens}"

    def offers(self, end: End) -> str:
        if not end.offered:
            return "nothing else"
        said = {"number": "its number", "anyway": "it anyway"}
        return ", ".join(f"{n}: {said.get(s) or self.service(s)}"
                         for n, s in enumerate(end.offered, start=1))


def _add(changes: list[Change], change: Change) -> None:
    """Add ``change``, or its path to the same change at the same language and moment."""
    for n, known in enumerate(changes):
        if (known.lang, known.moment, known.what) == (change.lang, change.moment, change.what):
            changes[n] = Change(known.lang, known.language, known.moment,
                                known.paths + change.paths, known.what)
            return
    changes.append(change)


def languages(old: Tree, new: Tree, hotline: str) -> list[str]:
    """The hotline's languages in the new tree's order, then those only the old one has."""
    codes = [*(new.hotlines[hotline].languages if hotline in new.hotlines else ())]
    gone = old.hotlines[hotline].languages if hotline in old.hotlines else ()
    return codes + [code for code in gone if code not in codes]


def _listed(labels: tuple[str, ...]) -> str:
    shown = list(labels[:SHOWN_PATHS])
    if len(labels) > SHOWN_PATHS:
        more = len(labels) - SHOWN_PATHS
        shown.append(f"{more} more path{'s' if more > 1 else ''}")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
