"""Where each language stands: complete, reviewed or a draft, recorded or a placeholder.

Pure core. ``check`` adds what a language needs from the rest of the tree
(the names of the languages services speak, the names of the keys the
hotline says) and warns about every text that no person has reviewed and
every recording a speech synthesiser made. ``summary`` is the same facts as
a table, for ``menus check`` and the staff pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.phonetree import recordings
from ivr.phonetree.report import Report
from ivr.phonetree.tree import Language, Status, Tree


@dataclass(frozen=True)
class LanguageState:
    """One language of the tree as staff need to see it."""

    code: str
    name: str
    status: Status
    voice: str  # "Google.vi-VN-Standard-A (vi-VN)", or "recordings only"
    hotlines: tuple[str, ...]  # the hotlines that offer it
    needed: int  # recordings it must have (a language without a voice) or may have
    recorded: int
    placeholders: int

    @property
    def missing(self) -> int:
        return self.needed - self.recorded if self.recorded < self.needed else 0

    @property
    def status_text(self) -> str:
        """"machine draft (2026-12-01)", "reviewed by ... on ...", "source text"."""
        status = self.status
        if status.state is None:
            return "status not stated"
        if status.state == "source":
            return "source text"
        if status.state == "reviewed":
            return f"reviewed by {status.by} on {status.on}"
        return f"{status.state}" + (f" ({status.on})" if status.on else "") + ", not reviewed"

    @property
    def recordings_text(self) -> str:
        """"164 of 164 recorded, 164 placeholders", for a language without a voice."""
        if not self.needed:
            return f"{self.recorded} recording(s)" if self.recorded else "no recordings"
        text = f"{self.recorded} of {self.needed} recorded"
        if self.placeholders:
            text += f", {self.placeholders} placeholder(s) (not reviewed)"
        if self.missing:
            text += f", {self.missing} missing"
        return text


def lines(states: list[LanguageState]) -> list[str]:
    """The languages as ``menus check`` lists them, then who is reviewed and who is not."""
    out = ["Languages:"]
    for s in states:
        offered = "" if s.hotlines else " (not offered: in no hotline's languages)"
        out.append(f"  {s.code} {s.name}: {s.status_text}; {s.voice}, {s.recordings_text}"
                   f"{offered}")
    groups = {"Reviewed": [s.code for s in states if s.status.state == "reviewed"],
              "Drafts, not reviewed": [s.code for s in states if s.status.is_draft],
              "Source text": [s.code for s in states if s.status.state == "source"],
              "Status not stated": [s.code for s in states if s.status.state is None]}
    out.append(". ".join(f"{label}: {', '.join(codes) or 'none'}"
                         for label, codes in groups.items()
                         if codes or label != "Status not stated") + ".")
    return out


def check(tree: Tree, report: Report, spoken: list[str]) -> None:
    """Every language the hotlines speak can say what the calls need; drafts are warned of."""
    for code in spoken:
        _names(tree, report, tree.languages[code])
        _keys(tree, report, tree.languages[code])
        _drafts(tree, report, tree.languages[code])
    for hotline in tree.hotlines.values():
        for other in hotline.welcome or ():
            if other not in hotline.languages:
                report.at(("hotlines", hotline.id, "welcome"), f"hotline '{hotline.id}': "
                          f"'welcome' names '{other}', which is not one of its languages")


def _names(tree: Tree, report: Report, language: Language) -> None:
    """The names of the languages services speak ("IOM Tokyo speaks English and Japanese")."""
    named: dict[str, str] = {}  # code -> the first service that speaks it
    for service in tree.services.values():
        for code in service.languages:
            named.setdefault(code, service.id)
    unnamed = [other for other in named if other not in language.language_names]
    if unnamed:
        report.at(("languages", language.code, "language_names"), f"language "
                  f"'{language.code}' has no name for {', '.join(unnamed)} under "
                  f"'language_names' (services speak them, e.g. '{named[unnamed[0]]}': callers "
                  "who speak another language hear which languages a service speaks)")


def _keys(tree: Tree, report: Report, language: Language) -> None:
    """The names of the keys callers are told to press ("press star")."""
    for hotline in tree.hotlines.values():
        for key in (hotline.keys.repeat, hotline.keys.back):
            if language.code in hotline.languages and not key.isdigit() and \
                    key not in language.key_names:
                report.at(("languages", language.code, "keys"), f"language '{language.code}' "
                          f"has no name for the key '{key}' under 'keys' (hotline "
                          f"'{hotline.id}' tells callers to press it)")


def _drafts(tree: Tree, report: Report, language: Language) -> None:
    code, where = language.code, ("languages", language.code)
    if language.status.is_draft:
        report.at((*where, "status"), f"language '{code}' ({language.name}) is a "
                  f"{language.status.state}, not reviewed: callers may hear mistakes; have "
                  f"a translator review it (flask --app ivr menus export-texts {code})",
                  "warning")
    made = sum(1 for lang, _ in tree.placeholders if lang == code)
    if made:
        report.at(where, f"language '{code}': {made} of its recordings are placeholders made "
                  "by a speech synthesiser, not spoken by a person nor reviewed: replace them "
                  "(audio/README.md)", "warning")


def summary(tree: Tree) -> list[LanguageState]:
    """Every language of the tree, in the order of the hotlines' choice, then the others."""
    order = [c for h in tree.hotlines.values() for c in h.languages if c in tree.languages]
    order += [c for c in tree.languages if c not in order]
    return [_state(tree, code) for code in dict.fromkeys(order)]


def _state(tree: Tree, code: str) -> LanguageState:
    language = tree.languages[code]
    voice = language.voice
    said = f"{voice.voice} ({voice.language})" if voice.voice else str(voice.language)
    names = (recordings.needed(tree, code) if voice.language is None
             else recordings.fixed_sentences(tree))
    recorded = sum(1 for name in names if (code, name) in tree.recordings)
    made = sum(1 for name in names if (code, name) in tree.placeholders)
    hotlines = tuple(h.id for h in tree.hotlines.values() if code in h.languages)
    return LanguageState(code, language.name, language.status,
                         said if voice.language else "recordings only", hotlines,
                         len(names) if voice.language is None else 0, recorded, made)
