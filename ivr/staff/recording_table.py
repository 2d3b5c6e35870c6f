"""Which prompts have a recording in which language, and where each comes from.

Pure: the tree, the uploaded recordings and the audio folder's in; the
table staff read out. A language with a Twilio voice may replace any fixed
sentence by a recording (``fixed_sentences``); one without needs every
recording its calls are built of (``needed``), so a gap there is missing,
not optional. An upload replaces a file of the folder of the same prompt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ivr.phonetree import speech
from ivr.phonetree.recordings import fixed_sentences, needed
from ivr.phonetree.speech import PHRASES, Part
from ivr.phonetree.tree import Tree

Files = Mapping[tuple[str, str], str]  # (language, prompt) -> "lang/prompt.ext"
STATES = {"database": "uploaded", "folder": "in the audio folder", "missing": "missing",
          "optional": "text-to-speech", "unused": "not used"}


@dataclass(frozen=True)
class Cell:
    """One prompt in one language."""

    lang: str
    name: str
    state: str  # a key of STATES
    file: str | None = None  # "en/menu.main.wav", played from /audio/
    over_folder: bool = False  # an upload that replaces a file of the folder

    @property
    def label(self) -> str:
        return STATES[self.state] + (" (replaces the folder's)" if self.over_folder else "")


@dataclass(frozen=True)
class Column:
    """A language and its counts."""

    code: str
    label: str  # "English (en)"
    voiced: bool
    usable: tuple[str, ...]  # the prompts it can have recordings of
    uploaded: int
    in_folder: int
    missing: int


@dataclass(frozen=True)
class Row:
    name: str
    says: str  # what the prompt says, in the first language (English if there is)
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    stray: tuple[Cell, ...]  # recordings no prompt of the menus uses


def usable(tree: Tree, lang: str) -> list[str]:
    """The prompts ``lang`` can have recordings of (the CLI's ``menus recordings`` list)."""
    voiced = tree.languages[lang].voice.language is not None
    return fixed_sentences(tree) if voiced else needed(tree, lang)


def build(tree: Tree, stored: Files, folder: Files) -> Table:
    """The table of every prompt and language; uploads before the folder's files."""
    names = {code: usable(tree, code) for code in tree.languages}
    order = list(dict.fromkeys(n for code in tree.languages for n in names[code]))
    cells = {(code, n): _cell(tree, code, n, n in names[code], stored, folder)
             for code in tree.languages for n in order}
    rows = tuple(Row(n, says(tree, _first(tree), n), tuple(cells[(c, n)] for c in tree.languages))
                 for n in order)
    columns = tuple(_column(tree, code, names[code], cells) for code in tree.languages)
    known = set(cells)
    stray = tuple(Cell(lang, n, "database" if (lang, n) in stored else "folder", file)
                  for (lang, n), file in sorted({**folder, **stored}.items())
                  if (lang, n) not in known or cells[(lang, n)].state == "unused")
    return Table(columns, rows, stray)


def _cell(tree: Tree, code: str, name: str, used: bool, stored: Files, folder: Files) -> Cell:
    if not used:
        return Cell(code, name, "unused")
    if (code, name) in stored:
        return Cell(code, name, "database", stored[(code, name)], (code, name) in folder)
    if (code, name) in folder:
        return Cell(code, name, "folder", folder[(code, name)])
    voiced = tree.languages[code].voice.language is not None
    return Cell(code, name, "optional" if voiced else "missing")


def _column(tree: Tree, code: str, names: list[str],
            cells: Mapping[tuple[str, str], Cell]) -> Column:
    states = [cells[(code, n)].state for n in names]
    language = tree.languages[code]
    return Column(code, f"{language.name} ({code})", language.voice.language is not None,
                  tuple(names), states.count("database"), states.count("folder"),
                  states.count("missing"))


def _first(tree: Tree) -> str:
    return "en" if "en" in tree.languages else next(iter(tree.languages))


def says(tree: Tree, lang: str, name: str) -> str:
    """What prompt ``name`` says in ``lang`` ("" for the pieces of changing sentences)."""
    language = tree.languages[lang]
    kind, _, rest = name.partition(".")
    hotline = next(iter(tree.hotlines.values()))
    if name in ("repeat_hint", "back_hint"):
        key = hotline.keys.repeat if name == "repeat_hint" else hotline.keys.back
        return speech.say(language, name, key=speech.key_name(language, key)).text
    if name == "language_option":
        order = hotline.languages
        key = str(order.index(lang) + 1) if lang in order else "1"
        return speech.say(language, name, key=speech.key_name(language, key)).text
    if name in PHRASES and not PHRASES[name]:
        return speech.say(language, name).text
    if kind == "menu" and rest in tree.menus:
        return tree.menus[rest].prompt.get(lang, "")
    menu_id, _, key = rest.rpartition(".")
    if kind == "option" and key in getattr(tree.menus.get(menu_id), "options", {}):
        label = Part(tree.menus[menu_id].options[key].label.get(lang, ""), None)
        return speech.say(language, "option", label=label,
                          key=speech.key_name(language, key)).text
    return ""


def upload_problems(tree: Tree | None, lang: str, name: str, filename: str | None) -> list[str]:
    """What keeps an upload from being stored, before its content is looked at."""
    if tree is None:
        return ["The menus cannot be loaded now: fix them first, then upload."]
    if lang not in tree.languages:
        return ["Choose a language of the menus."]
    problems = []
    if name not in usable(tree, lang):
        language = tree.languages[lang]
        problems.append(f"{language.name} ({lang}) has no prompt '{name}': choose one from "
                        "the list.")
    if not filename:
        problems.append("Choose the file to upload (wav or mp3).")
    return problems


def describe(tree: Tree | None, lang: str, name: str) -> str:
    """A prompt as staff know it: "menu.main: Please choose what you need."."""
    text = says(tree, lang, name) if tree and lang in tree.languages else ""
    return f"{name}: {text}" if text else name
