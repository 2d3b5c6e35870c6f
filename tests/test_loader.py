"""Loading menus: a small tree loads clean; each mistake gives one exact, located message.

A small valid tree is written here as YAML text (two languages, two menus, four
services, three calendars). Each case of the table changes one thing in it and
lists every problem the loader must report, word for word, sorted as the
loader sorts them (file, line, message).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.phonetree import loader, recordings, speech, yamlsource
from ivr.phonetree.hours import Span
from ivr.phonetree.loader import LoadError, Result


def phrases(code: str) -> str:
    """Every phrase of ``code``, each using exactly the slots it may use."""
    lines = []
    for name, slots in speech.PHRASES.items():
        words = " ".join(["x" if name == "and" else f"{code} {name}",
                          *(f"{{{slot}}}" for slot in slots)])
        lines.append(f'      {name}: "{words}"\n')
    return "".join(lines)


def language(code: str, name: str, say: str) -> str:
    return (f"languages:\n  {code}:\n    name: {name}\n{say}"
            "    weekdays: [Mon, Tue, Wed, Thu, Fri, Sat, Sun]\n"
            "    months: [Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec]\n"
            "    phrases:\n" + phrases(code) +
            '    keys: {"*": star, "#": hash}\n    periods: {"0": am, "12": pm}\n'
            "    language_names: {en: English, ja: Japanese}\n")


HOTLINE = """\
hotlines:
  main:
    name: Test line
    numbers: ["+815012345678"]
    languages: [en, ja]
    default: true
    start: main
"""

MAIN = """\
menus:
  main:
    prompt:
      en: Please choose.
      ja: お選びください。
    options:
      "1":
        label:
          en: the police
          ja: 警察
        connect: police
      "2":
        label:
          en: legal advice
          ja: 法律相談
        menu: legal
      "3":
        label:
          en: the human rights line
          ja: 人権相談
        tell: rights
  legal:
    prompt:
      en: Legal advice.
      ja: 法律相談です。
    options:
      "1":
        label:
          en: Houterasu
          ja: 法テラス
        connect: houterasu
      "2":
        label:
          en: IOM
          ja: IOM
        connect: iom
"""

SERVICES = """\
services:
  police:
    name:
      en: the police English line
      ja: 警視庁の英語の窓口
    dial: "+81335010110"
    number: 03-3501-0110
    hours: always
    source:
      name: Philippine Embassy Tokyo
      checked: 2026-11-22
  houterasu:
    name:
      en: Houterasu
      ja: 法テラス
    dial: "+815037545430"
    number: 050-3754-5430
    hours:
      mon-fri: 09:00-17:00
    closed_on: [japan, year-end]
    alternatives: [police]
    source:
      name: Houterasu
      checked: 2026-11-22
  iom:
    name:
      en: IOM Tokyo
      ja: IOMの東京事務所
    dial: "+81335952487"
    number: 03-3595-2487
    hours:
      mon-fri: [09:00-12:30, 13:30-17:00]
    closed_on: [japan, year-end, iom-days]
    overrides:
      - state: closed
        from: 2026-11-19 10:00
        until: 2026-11-19 15:00
        reason:
          en: staff training
          ja: 研修
    alternatives: [police]
    source:
      name: Philippine Embassy Tokyo
      checked: 2026-11-22
  rights:
    name:
      en: the human rights line
      ja: 人権相談ダイヤル
    number: 0570-090911
    hours:
      mon-fri: 09:00-17:00
    closed_on: [japan, year-end]
    source:
      name: Ministry of Justice
      checked: 2026-11-22
"""

CALENDARS = """\
calendars:
  japan:
    national_holidays: JP
  year-end:
    yearly:
      - from: 12-29
        to: 01-03
  iom-days:
    closures:
      - date: 2026-12-24
        reason:
          en: an IOM office holiday
          ja: IOMの休業日
"""

EN_SAY = "    say:\n      language: en-US\n      voice: Polly.Joanna\n"
JA_SAY = "    say:\n      language: ja-JP\n      voice: Polly.Mizuki\n"
FILES = {
    "hotline.yaml": HOTLINE,
    "main.yaml": MAIN,
    "services.yaml": SERVICES,
    "calendars.yaml": CALENDARS,
    "languages/en.yaml": language("en", "English", EN_SAY),
    "languages/ja.yaml": language("ja", "日本語", JA_SAY),
}


def mutated(file: str, old: str, new: str) -> dict[str, str]:
    """The fixture files with ``old`` (found exactly once in ``file``) replaced by ``new``."""
    files = dict(FILES)
    assert files[file].count(old) == 1, f"{old!r} must occur once in {file}"
    files[file] = files[file].replace(old, new)
    return files


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str]], None]:
    """Write menu files under tmp_path/menus (with an empty audio/) and work from tmp_path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "audio").mkdir()

    def write_files(files: dict[str, str]) -> None:
        for name, text in files.items():
            path = tmp_path / "menus" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return write_files


def load() -> Result:
    return loader.load("menus", "audio")


def problems() -> list[str]:
    """Every problem of the menus in the working folder; ["OK", warnings...] when they load."""
    try:
        result = load()
    except LoadError as exc:
        return [str(problem) for problem in exc.problems]
    return ["OK", *(str(problem) for problem in result.warnings)]


def record(tmp_path: Path, lang: str, names: list[str]) -> None:
    folder = tmp_path / "audio" / lang
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.wav").write_bytes(b"")


# -- the fixture, and one mistake at a time ----------------------------------------------


def test_the_fixture_tree_loads_clean(write) -> None:
    write(FILES)
    result = load()
    assert result.warnings == ()
    tree = result.tree
    assert sorted(tree.menus) == ["legal", "main"]
    assert tree.menus["legal"].back == "main"  # 'back' resolved to the menu that leads here
    assert tree.menus["main"].back is None     # the start menu goes back to the language choice
    assert tree.services["iom"].schedule.weekly.days[0] == (Span(540, 750), Span(810, 1020))
    assert tree.services["iom"].schedule.overrides[0].label == {"en": "staff training",
                                                               "ja": "研修"}


SIX_OPTIONS = "".join(f'      "{key}":\n        label:\n          en: more\n          ja: 他\n'
                      "        goodbye: true\n" for key in "456")
ONE_MORE_PHRASE = '      busy: "en busy {service}"\n      bsy: "en bsy"\n'
MESSAGE_CASES = [
    # unknown keys, sections and names, with a hint
    ("unknown key", "services.yaml", "    hours: always\n",
     "    hours: always\n    ring_second: 20\n",
     ["menus/services.yaml:9: error: service 'police': unknown key 'ring_second' "
      "(did you mean 'ring_seconds'?)"]),
    ("unknown key in an option", "main.yaml", "        connect: police\n",
     "        conect: police\n",
     ["menus/main.yaml:7: error: menu 'main', option '1': must do exactly one of: menu, "
      "connect, tell, goodbye, language",
      "menus/main.yaml:11: error: menu 'main', option '1': unknown key 'conect' "
      "(did you mean 'connect'?)"]),
    ("two actions in an option", "main.yaml", "        connect: police\n",
     "        connect: police\n        tell: police\n",
     ["menus/main.yaml:7: error: menu 'main', option '1': must do exactly one of: menu, "
      "connect, tell, goodbye, language (it has connect, tell)"]),
    ("unknown section", "hotline.yaml", "hotlines:\n", "hotline:\n",
     ["menus/hotline.yaml:1: error: unknown section 'hotline' (did you mean 'hotlines'?); "
      "a menu file holds: hotlines, languages, services, calendars, menus"]),
    ("jump to a missing menu", "main.yaml", "        menu: legal\n", "        menu: legl\n",
     ["menus/main.yaml:16: error: menu 'main', option '2': goes to menu 'legl', which does "
      "not exist (did you mean 'legal'?)",
      "menus/main.yaml:22: warning: menu 'legal' cannot be reached from any hotline's start "
      "menu"]),
    ("connect to a missing service", "main.yaml", "        connect: police\n",
     "        connect: polise\n",
     ["menus/main.yaml:11: error: menu 'main', option '1': goes to service 'polise', which "
      "does not exist (did you mean 'police'?)"]),
    ("back to a missing menu", "main.yaml", "  legal:\n", "  legal:\n    back: mian\n",
     ["menus/main.yaml:23: error: menu 'legal': back goes to menu 'mian', which does not "
      "exist (did you mean 'main'?)"]),
    ("a missing start menu", "hotline.yaml", "start: main", "start: mian",
     ["menus/hotline.yaml:7: error: hotline 'main': start menu 'mian' does not exist "
      "(did you mean 'main'?)",
      "menus/main.yaml:2: warning: menu 'main' cannot be reached from any hotline's start menu",
      "menus/main.yaml:22: warning: menu 'legal' cannot be reached from any hotline's start "
      "menu"]),
    ("a missing alternative", "services.yaml", "    alternatives: [police]\n    source:\n"
     "      name: Houterasu", "    alternatives: [polise]\n    source:\n      name: Houterasu",
     ["menus/services.yaml:21: error: service 'houterasu': alternative 'polise' does not "
      "exist (did you mean 'police'?)"]),
    ("a missing calendar", "services.yaml", "[japan, year-end, iom-days]",
     "[japan, year-end, iom-day]",
     ["menus/services.yaml:33: error: service 'iom': 'closed_on' names the calendar "
      "'iom-day', which does not exist (did you mean 'iom-days'?)"]),
    ("a hotline language that is not defined", "hotline.yaml", "[en, ja]", "[en, ja, tl]",
     ["menus/hotline.yaml:5: error: hotline 'main': language 'tl' is not defined"]),
    # digits: twice, reserved, not a key
    ("a digit given twice", "main.yaml", '      "3":\n', '      "2":\n',
     ["menus/main.yaml:17: error: the key '2' is given twice in the same place "
      "(first on line 12)"]),
    ("a digit given twice, once unquoted", "main.yaml", '      "3":\n', "      2:\n",
     ["menus/main.yaml:17: error: the key '2' is given twice in the same place "
      "(first on line 12)"]),
    ("the back key as an option", "main.yaml", '      "3":\n', '      "0":\n',
     ["menus/main.yaml:17: error: menu 'main': key '0' is reserved for back in hotline "
      "'main'; choose another key"]),
    ("the repeat key as an option", "main.yaml", '      "3":\n', '      "*":\n',
     ["menus/main.yaml:17: error: menu 'main': key '*' is reserved for repeat in hotline "
      "'main'; choose another key"]),
    ("two digits as a key", "main.yaml", '      "3":\n', '      "10":\n',
     ["menus/main.yaml:17: error: menu 'main', option '10': '10' is not a phone key: use one "
      "of 0-9, * or #"]),
    # texts in every language of the hotline
    ("a prompt missing in one language", "main.yaml", "      ja: 法律相談です。\n", "",
     ["menus/main.yaml:23: error: menu 'legal' prompt has no text in ja"]),
    ("a label missing in one language", "main.yaml", "          ja: 警察\n", "",
     ["menus/main.yaml:8: error: menu 'main', option '1' label has no text in ja"]),
    ("a text in a language the menus lack", "services.yaml", "      ja: 法テラス\n",
     "      ja: 法テラス\n      jp: 法テラス\n",
     ["menus/services.yaml:16: error: service 'houterasu' name has text in 'jp', which is not "
      "a language of the menus"]),
    ("a closure reason missing in one language", "calendars.yaml", "          ja: IOMの休業日\n",
     "", ["menus/calendars.yaml:11: error: calendar 'iom-days', closures item 1: reason has no "
          "text in ja"]),
    ("a yearly closure reason missing in one language", "calendars.yaml", "        to: 01-03\n",
     "        to: 01-03\n        reason:\n          en: the New Year holidays\n",
     ["menus/calendars.yaml:8: error: calendar 'year-end', yearly item 1: reason has no text "
      "in ja"]),
    ("an override reason missing in one language", "services.yaml", "          ja: 研修\n", "",
     ["menus/services.yaml:38: error: service 'iom', overrides item 1: reason has no text "
      "in ja"]),
    # phone numbers dialled
    ("an invalid number", "services.yaml", '"+81335010110"', '"+8133501011"',
     ["menus/services.yaml:6: error: service 'police': 'dial' '+8133501011' is not a valid "
      "phone number"]),
    ("a number in national form", "services.yaml", '"+81335010110"', "03-3501-0110",
     ["menus/services.yaml:6: error: service 'police': 'dial' '03-3501-0110' is not a phone "
      "number in E.164 form, e.g. +81335010110 (a + and the country code, no spaces)"]),
    ("a number with spaces", "services.yaml", '"+81335010110"', '"+81 3 3501 0110"',
     ["menus/services.yaml:6: error: service 'police': 'dial' '+81 3 3501 0110' must be "
      "written '+81335010110' (E.164, no spaces)"]),
    ("a short code without a number to read out", "services.yaml",
     '    dial: "+81335010110"\n    number: 03-3501-0110\n', '    dial: "110"\n',
     ["menus/services.yaml:6: warning: service 'police': '110' is a short code (like 110, 119 "
      "or #9110), which Twilio cannot dial: callers will hear the number instead",
      "menus/services.yaml:6: error: service 'police': Twilio cannot dial it, so give "
      "'number': the number callers hear and can dial themselves"]),
    ("neither dial nor number", "services.yaml", "    number: 0570-090911\n", "",
     ["menus/services.yaml:45: error: service 'rights': give 'dial' (a number Twilio can "
      "call) or 'number' (a number to read out), or both"]),
    # phone numbers told: valid Japanese numbers, as dialled in Japan, the one connected
    ("a told number missing digits", "services.yaml", "number: 03-3595-2487", "number: 3595-248",
     ["menus/services.yaml:30: error: service 'iom': 'number' '3595-248' is not a valid "
      "Japanese phone number: too few digits (write it as callers dial it in Japan, area "
      "code first, e.g. 03-3501-0110)"]),
    ("a told number with a digit too many", "services.yaml", "number: 03-3501-0110",
     "number: 03-3501-01100",
     ["menus/services.yaml:7: error: service 'police': 'number' '03-3501-01100' is not a valid "
      "Japanese phone number: no number in Japan has these digits (check them against the "
      "source)"]),
    ("a told number that is not the one dialled", "services.yaml", "number: 03-3595-2487",
     "number: 03-3595-2488",
     ["menus/services.yaml:30: error: service 'iom': 'number' is 03-3595-2488 but 'dial' is "
      "+81335952487 (03-3595-2487 in Japan): callers must hear the number the hotline dials"]),
    ("a 0570 number told for the 050 number dialled", "services.yaml",
     "number: 050-3754-5430", "number: 0570-078377",
     ["menus/services.yaml:17: error: service 'houterasu': 'number' is 0570-078377 but 'dial' "
      "is +815037545430 (050-3754-5430 in Japan): callers must hear the number the hotline "
      "dials"]),
    ("a told number in international form", "services.yaml", "number: 03-3501-0110",
     'number: "+81335010110"',
     ["menus/services.yaml:7: error: service 'police': 'number' '+81335010110' is read out "
      "digit by digit: write it as callers dial it in Japan, '03-3501-0110'"]),
    ("a told number without its leading 0", "services.yaml", "number: 03-3501-0110",
     "number: 3-3501-0110",
     ["menus/services.yaml:7: error: service 'police': 'number' '3-3501-0110' is not what "
      "callers dial in Japan: write '03-3501-0110'"]),
    ("a told number with words", "services.yaml", "number: 0570-090911",
     "number: 0570-090911 (Japanese)",
     ["menus/services.yaml:49: error: service 'rights': 'number' '0570-090911 (Japanese)' is "
      "not a phone number written as callers dial it in Japan: digits, hyphens and spaces "
      "only, e.g. 03-3501-0110"]),
    ("a told number grouped otherwise", "services.yaml", "number: 03-3595-2487",
     "number: 03 3595 2487", ["OK"]),
    ("a #-dial number told", "services.yaml", "number: 0570-090911", 'number: "#9110"', ["OK"]),
    ("an emergency number told", "services.yaml", "number: 0570-090911", 'number: "110"',
     ["OK"]),
    ("a short code told that is none", "services.yaml", "number: 0570-090911",
     'number: "#91100"',
     ["menus/services.yaml:49: error: service 'rights': 'number' '#91100' is not a short "
      "number: # and four digits, e.g. #9110"]),
    # hours
    ("hours that do not parse", "services.yaml", "      mon-fri: 09:00-17:00\n    closed_on: "
     "[japan, year-end]\n    alternatives", "      mon-fri: 9-17\n    closed_on: "
     "[japan, year-end]\n    alternatives",
     ["menus/services.yaml:19: error: service 'houterasu': 'hours' '9-17' is not a range of "
      "hours written HH:MM-HH:MM, e.g. 09:00-17:00"]),
    ("overlapping hours", "services.yaml", "[09:00-12:30, 13:30-17:00]",
     "[09:00-12:30, 12:00-17:00]",
     ["menus/services.yaml:32: error: service 'iom': 'hours' has overlapping ranges for "
      "'mon-fri': 09:00-12:30 and 12:00-17:00"]),
    ("hours that end before they start", "services.yaml", "[09:00-12:30, 13:30-17:00]",
     "[09:00-12:30, 17:00-13:30]",
     ["menus/services.yaml:32: error: service 'iom': 'hours' '17:00-13:30' ends before it "
      "starts; a range past midnight is two ranges: 22:00-24:00 on one day and 00:00-06:00 "
      "on the next"]),
    ("a day given twice", "services.yaml", "      mon-fri: [09:00-12:30, 13:30-17:00]\n",
     "      mon-fri: [09:00-12:30, 13:30-17:00]\n      fri: 09:00-12:00\n",
     ["menus/services.yaml:33: error: service 'iom': 'hours' gives Friday twice"]),
    ("a day that is not a day", "services.yaml", "mon-fri: [09:00-12:30", "mon-fry: [09:00-12:30",
     ["menus/services.yaml:32: error: service 'iom': 'hours' 'mon-fry' is not a day or days: "
      "write mon, tue, wed, thu, fri, sat, sun, a range like mon-fri, or daily"]),
    # calendars and overrides
    ("an override that ends before it starts", "services.yaml", "until: 2026-11-19 15:00",
     "until: 2026-11-19 09:00",
     ["menus/services.yaml:37: error: service 'iom', overrides item 1: must come after 'from' "
      "(2026-11-19 10:00)"]),
    ("an override without a state", "services.yaml", "      - state: closed\n        from",
     "      - from",
     ["menus/services.yaml:35: error: service 'iom', overrides item 1: 'state' is missing"]),
    ("a closure date that is no date", "calendars.yaml", "2026-12-24", "2026-12-32",
     ["menus/calendars.yaml:10: error: calendar 'iom-days', closures item 1: 'date' "
      "'2026-12-32' is not a date written YYYY-MM-DD, e.g. 2026-12-25"]),
    ("a closure that ends before it starts", "calendars.yaml", "      - date: 2026-12-24\n",
     "      - from: 2026-12-24\n        to: 2026-12-20\n",
     ["menus/calendars.yaml:11: error: calendar 'iom-days', closures item 1: ends (2026-12-20) "
      "before it starts (2026-12-24)"]),
    ("a closure without a reason", "calendars.yaml",
     "        reason:\n          en: an IOM office holiday\n          ja: IOMの休業日\n", "",
     ["menus/calendars.yaml:10: error: calendar 'iom-days', closures item 1: 'reason' is "
      "missing"]),
    ("a missing source", "services.yaml",
     "    source:\n      name: Ministry of Justice\n      checked: 2026-11-22\n", "",
     ["menus/services.yaml:45: error: service 'rights': 'source' is missing: say where the "
      "number and hours come from and when they were checked"]),
    # text-to-speech
    ("a TTS language Twilio lacks", "languages/en.yaml", "language: en-US", "language: en-UK",
     ["menus/languages/en.yaml:5: error: language 'en', say: Twilio has no text-to-speech "
      "language 'en-UK': British English is 'en-GB'"]),
    ("Tagalog as tl-PH", "languages/ja.yaml", "language: ja-JP", "language: tl-PH",
     ["menus/languages/ja.yaml:5: error: language 'ja', say: Twilio has no text-to-speech "
      "language 'tl-PH': Tagalog/Filipino is 'fil-PH' at Twilio, with Google voices only "
      "(e.g. Google.fil-PH-Standard-A)"]),
    ("a voice of another language", "languages/ja.yaml", "voice: Polly.Mizuki",
     "voice: Polly.Joanna",
     ["menus/languages/ja.yaml:6: error: language 'ja', say: the voice 'Polly.Joanna' does "
      "not speak 'ja-JP' (Polly voices for it: Polly.Mizuki, Polly.Takumi, "
      "Polly.Kazuha-Neural, Polly.Tomoko-Neural)"]),
    ("a voice Twilio does not have", "languages/en.yaml", "voice: Polly.Joanna", "voice: alice",
     ["menus/languages/en.yaml:6: error: language 'en', say: 'alice' is not a Twilio voice: "
      "use an Amazon Polly voice (Polly.Name) or a Google voice (Google.en-US-Standard-A)"]),
    # phrases
    ("a phrase with an unknown slot", "languages/en.yaml", '"en busy {service}"',
     '"en busy {servce}"',
     ["menus/languages/en.yaml:20: error: language 'en': phrase 'busy' uses {servce}, which it "
      "does not have; it can use {service}"]),
    ("a phrase with a stray brace", "languages/en.yaml", '"en busy {service}"',
     '"en busy {service"',
     ["menus/languages/en.yaml:20: error: language 'en': phrase 'busy' has a stray brace "
      "(expected '}' before end of string); braces only go around a slot, e.g. {service}"]),
    ("a missing phrase", "languages/en.yaml", '      busy: "en busy {service}"\n', "",
     ["menus/languages/en.yaml:9: error: language 'en': phrases missing: busy (copy them from "
      "another language's file and translate them)"]),
    ("an unknown phrase", "languages/en.yaml", '      busy: "en busy {service}"\n',
     ONE_MORE_PHRASE,
     ["menus/languages/en.yaml:21: error: language 'en': unknown phrase 'bsy' "
      "(did you mean 'busy'?)"]),
    # YAML itself
    ("a tab in the indentation", "services.yaml", "    hours: always\n", "\thours: always\n",
     ["menus/services.yaml:8: error: a tab character: indent with spaces only"]),
    ("an unquoted * as a key", "main.yaml", '      "3":\n', "      *:\n",
     ["menus/main.yaml:17: error: expected alphabetic or numeric character, but found ':' "
      '(a value that starts with * or & must be in quotes, e.g. "*")']),
    ("an unquoted * as a value", "hotline.yaml", "    start: main\n",
     "    start: main\n    keys:\n      repeat: *\n",
     ["menus/hotline.yaml:9: error: expected alphabetic or numeric character, but found '\\n' "
      '(a value that starts with * or & must be in quotes, e.g. "*")']),
    ("a key given twice", "services.yaml", "    hours: always\n",
     "    hours: always\n    hours: always\n",
     ["menus/services.yaml:9: error: the key 'hours' is given twice in the same place "
      "(first on line 8)"]),
    ("unquoted text with ': '", "main.yaml", "      en: Legal advice.\n",
     "      en: Legal advice: free.\n",
     ["menus/main.yaml:24: error: mapping values are not allowed here (text that contains "
      "': ' must be in quotes)"]),
    # warnings: the tree still loads
    ("a menu no key leads to", "main.yaml", "        menu: legal\n", "        goodbye: true\n",
     ["OK", "menus/main.yaml:22: warning: menu 'legal' cannot be reached from any hotline's "
            "start menu"]),
    ("more than five options", "main.yaml", "        tell: rights\n",
     "        tell: rights\n" + SIX_OPTIONS,
     ["OK", "menus/main.yaml:6: warning: menu 'main': has 6 options; callers remember about 5: "
            "consider a submenu"]),
    ("a 0570 number as dial", "services.yaml", '"+815037545430"', '"+81570078377"',
     ["OK", "menus/main.yaml:31: warning: menu 'legal', option '1': service 'houterasu' has no "
            "number Twilio can dial; callers will hear its number (use 'tell' to say so "
            "plainly)",
      "menus/services.yaml:16: warning: service 'houterasu': '+81570078377' is a 0570 Navi "
      "Dial number, which Twilio cannot dial: callers will hear the number instead"]),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"),
                         [pytest.param(*case[1:], id=case[0]) for case in MESSAGE_CASES])
def test_each_mistake_gives_its_exact_message(write, file: str, old: str, new: str,
                                              expected: list[str]) -> None:
    write(mutated(file, old, new))
    assert problems() == expected


def test_a_definition_given_twice(write) -> None:
    files = dict(FILES)
    files["tell.yaml"] = "# more services\nservices:\n  police:\n    number: '110'\n"
    write(files)
    assert problems() == ["menus/tell.yaml:3: error: service 'police' is defined twice "
                          "(first in menus/services.yaml, line 2)"]


def test_a_folder_without_menu_files(write, tmp_path: Path) -> None:
    (tmp_path / "menus").mkdir()
    assert problems() == ["menus: error: no menu files (*.yaml) found here"]


def test_a_file_that_is_not_utf8(write, tmp_path: Path) -> None:
    write(FILES)
    (tmp_path / "menus" / "main.yaml").write_bytes(MAIN.encode("shift_jis"))
    assert problems() == ["menus/main.yaml:1: error: the file is not UTF-8 text: save it as "
                          "UTF-8"]


# -- values YAML would otherwise turn into numbers, booleans and dates --------------------


def test_every_plain_scalar_stays_text() -> None:
    data = yamlsource.parse("open: 9:00\nhours: 9:00-17:00\nnumber: 0110\nflag: no\n"
                            "day: 2026-12-25\ndial: +81335010110\nnothing:\n")
    assert data == {"open": "9:00", "hours": "9:00-17:00", "number": "0110", "flag": "no",
                    "day": "2026-12-25", "dial": "+81335010110", "nothing": None}
    assert data.lines == {"open": 1, "hours": 2, "number": 3, "flag": 4, "day": 5, "dial": 6,
                          "nothing": 7}


def test_a_time_like_9_00_is_read_as_a_time(write) -> None:
    write(mutated("services.yaml", "[09:00-12:30, 13:30-17:00]", "[9:00-12:30, 13:30-17:00]"))
    schedule = load().tree.services["iom"].schedule
    assert schedule.weekly.days[4] == (Span(9 * 60, 12 * 60 + 30), Span(13 * 60 + 30, 17 * 60))
    assert schedule.weekly.days[5] == ()


# -- numbers Twilio cannot dial are told ---------------------------------------------------


@pytest.mark.parametrize(("dial", "why"), [
    ('"+81570078377"', "a 0570 Navi Dial number"),
    ("0570-078377", "a 0570 Navi Dial number"),
    ('"110"', "a short code (like 110, 119 or #9110)"),
    ('"#9110"', "a short code (like 110, 119 or #9110)"),
])
def test_an_undiallable_dial_is_told_not_dialled(write, dial: str, why: str) -> None:
    write(mutated("services.yaml", '"+815037545430"\n    number: 050-3754-5430',
                  f"{dial}\n    number: 0570-078377"))
    result = load()
    service = result.tree.services["houterasu"]
    assert service.dial is None
    assert service.number == "0570-078377"
    shown = dial.strip('"')
    assert [str(p) for p in result.warnings] == [
        "menus/main.yaml:31: warning: menu 'legal', option '1': service 'houterasu' has no "
        "number Twilio can dial; callers will hear its number (use 'tell' to say so plainly)",
        f"menus/services.yaml:16: warning: service 'houterasu': '{shown}' is {why}, which "
        "Twilio cannot dial: callers will hear the number instead"]


# -- recordings --------------------------------------------------------------------------

VOICELESS = ("languages/ja.yaml", JA_SAY, "    say: none\n")


def test_a_voiceless_language_needs_its_recordings(write) -> None:
    write(FILES)
    needed = recordings.needed(load().tree, "ja")
    write(mutated(*VOICELESS))
    assert problems() == [
        "menus/languages/ja.yaml:2: error: language 'ja' has no Twilio voice, so it needs "
        "recordings; missing in audio/ja/: greeting.wav, emergency.wav, invalid.wav, "
        "no_input.wav, goodbye.wav, closed_before_hours.wav, closed_after_hours.wav, "
        f"closed_break.wav and {len(needed) - 8} more (list them all: flask --app ivr menus "
        "recordings ja)"]


def test_a_voiceless_language_loads_with_all_its_recordings(write, tmp_path: Path) -> None:
    write(FILES)
    needed = recordings.needed(load().tree, "ja")
    assert {"menu.legal", "option.main.2", "service.iom", "weekday.mon", "time.0900",
            "closure.iom-days.1", "override.iom.1", "digit.5"} <= set(needed)
    write(mutated(*VOICELESS))
    record(tmp_path, "ja", needed)
    result = load()
    assert result.warnings == ()
    assert result.tree.languages["ja"].voice.language is None
    assert result.tree.recordings[("ja", "menu.legal")] == "ja/menu.legal.wav"


def test_one_missing_recording_is_named(write, tmp_path: Path) -> None:
    write(FILES)
    needed = recordings.needed(load().tree, "ja")
    write(mutated(*VOICELESS))
    record(tmp_path, "ja", [name for name in needed if name != "option.legal.2"])
    assert problems() == [
        "menus/languages/ja.yaml:2: error: language 'ja' has no Twilio voice, so it needs "
        "recordings; missing in audio/ja/: option.legal.2.wav (list them all: flask --app ivr "
        "menus recordings ja)"]


def test_the_recordings_check_works_out_each_language_once(write, tmp_path: Path,
                                                             monkeypatch) -> None:
    """A tree reload in every worker checked each recording against every piece of its
    language worked out again (0.13 s of a 0.17 s reload for 164 Nepali recordings)."""
    write(FILES)
    needed = recordings.needed(load().tree, "ja")
    write(mutated(*VOICELESS))
    record(tmp_path, "ja", needed)
    calls = []
    real = recordings.pieces
    monkeypatch.setattr(recordings, "pieces", lambda *a: calls.append(1) or real(*a))
    assert problems() == ["OK"]
    assert len(needed) > 20 and len(calls) <= 2  # what the check needs, and the strays'


@pytest.mark.parametrize(("folder", "file", "warning"), [
    ("en", "menu.mian.wav", "audio/en/menu.mian.wav: warning: no prompt is called 'menu.mian', "
     "so this recording is never played (did you mean 'menu.main'?)"),
    ("en", "gretting.mp3", "audio/en/gretting.mp3: warning: no prompt is called 'gretting', "
     "so this recording is never played (did you mean 'greeting'?)"),
    ("ne", "greeting.wav", "audio/ne/greeting.wav: warning: 'ne' is not a language of the "
     "menus; this recording is never played"),
], ids=["a misspelt prompt", "a misspelt phrase", "a language the menus lack"])
def test_a_stray_recording_is_a_warning(write, tmp_path: Path, folder: str, file: str,
                                        warning: str) -> None:
    write(FILES)
    (tmp_path / "audio" / folder).mkdir()
    (tmp_path / "audio" / folder / file).write_bytes(b"")
    assert problems() == ["OK", warning]


def test_a_recording_of_a_prompt_is_used(write, tmp_path: Path) -> None:
    write(FILES)
    record(tmp_path, "en", ["menu.main", "greeting"])
    (tmp_path / "audio" / "en" / "greeting.mp3").write_bytes(b"")
    result = load()
    assert result.warnings == ()
    assert dict(result.tree.recordings) == {("en", "greeting"): "en/greeting.wav",
                                            ("en", "menu.main"): "en/menu.main.wav"}


# -- back -------------------------------------------------------------------------------

SHARED_MENU = """\
  more:
    prompt:
      en: More.
      ja: その他。
    options:
      "1":
        label:
          en: goodbye
          ja: さようなら
        goodbye: true
"""
TO_MORE = ('      "9":\n        label:\n          en: more\n          ja: その他\n'
           "        menu: more\n")


def test_back_goes_to_the_first_menu_that_leads_here(write) -> None:
    files = mutated("main.yaml", "        connect: iom\n",
                    "        connect: iom\n" + TO_MORE + SHARED_MENU)
    files["main.yaml"] = files["main.yaml"].replace(
        "        tell: rights\n", "        tell: rights\n" + TO_MORE)
    write(files)
    assert problems() == ["OK", "menus/main.yaml:47: warning: menu 'more' is reached from "
                                "legal, main; 'back' goes to 'main' (write 'back:' to choose)"]
    assert load().tree.menus["more"].back == "main"


def test_back_as_written(write) -> None:
    write(mutated("main.yaml", "  legal:\n", "  legal:\n    back: legal\n"))
    assert load().tree.menus["legal"].back == "legal"


def test_paths_are_shown_relative_to_the_menus_folder(write, tmp_path: Path) -> None:
    write(mutated("main.yaml", "        menu: legal\n", "        menu: legl\n"))
    with pytest.raises(LoadError) as raised:
        loader.load(os.path.join(str(tmp_path), "menus"), str(tmp_path / "audio"))
    assert str(raised.value.problems[0]).startswith("menus/main.yaml:16: error: ")


# -- the suite runs on the fixture menus, not on the shipped ones -------------------------


@pytest.mark.parametrize(("menus", "audio", "shipped"), [
    ("menus", "tests/audio", "menus"), ("tests/menus", "audio", "audio")])
def test_a_test_that_loads_the_shipped_tree_fails(menus: str, audio: str, shipped: str) -> None:
    root = Path(__file__).resolve().parents[1]
    with pytest.raises(pytest.fail.Exception, match=f"reads the shipped {shipped}/, which "
                       "operators edit: use the fixture tree"):
        loader.load(str(root / menus), str(root / audio))
