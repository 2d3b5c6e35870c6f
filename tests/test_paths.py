"""Caller paths: every key path a tree offers at a moment, and the changes between two trees.

A small tree is written here as YAML (English and Tagalog, with the fixture menus'
phrases): IOM Tokyo with a lunch break, the police line (24 h) and Houterasu told as
a 0570 number. Each diff test changes one thing in it, or in the fixture menus, and
checks the sentences staff read, word for word.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import AUDIO, MENUS, jst

from ivr.call import changes, moments, paths
from ivr.call.moments import Moment
from ivr.call.paths import End, Goes
from ivr.phonetree import loader
from ivr.phonetree.bundle import Bundle, read_folder
from ivr.phonetree.tree import frozen_map

HOTLINE = """\
hotlines:
  main:
    name: Small line
    numbers: ["+815012345678"]
    default: true
    languages: [en, tl]
    start: main
    timezone: Asia/Tokyo
"""
MAIN = """\
menus:
  main:
    prompt:
      en: Please choose.
      tl: Pumili po.
    options:
      "1":
        label: {en: IOM, tl: IOM}
        connect: iom
      "2":
        label: {en: the rights line, tl: ang rights line}
        tell: rights
      "3":
        label: {en: legal advice, tl: payo sa batas}
        menu: legal
  legal:
    prompt:
      en: Legal advice.
      tl: Payo sa batas.
    options:
      "1":
        label: {en: Houterasu, tl: Houterasu}
        connect: houterasu
"""
SERVICES = """\
services:
  iom:
    name: {en: IOM Tokyo, tl: IOM Tokyo}
    dial: "+81335952487"
    number: 03-3595-2487
    hours:
      mon-fri: [09:00-12:30, 13:30-17:00]
    closed_on: [japan, year-end, iom-days]
    alternatives: [police]
    source: {name: test, checked: 2026-11-22}
  police:
    name: {en: the police line, tl: ang police line}
    dial: "+81335010110"
    number: 03-3501-0110
    hours: always
    alternatives: [iom]
    source: {name: test, checked: 2026-11-22}
  rights:
    name: {en: the rights line, tl: ang rights line}
    number: 0570-090911
    hours:
      mon-fri: 09:00-17:00
    closed_on: [japan]
    source: {name: test, checked: 2026-11-22}
  houterasu:
    name: {en: Houterasu, tl: Houterasu}
    number: 0570-078377
    hours:
      mon-fri: 09:00-17:00
    closed_on: [japan]
    source: {name: test, checked: 2026-11-22}
"""
CALENDARS = """\
calendars:
  japan:
    national_holidays: JP
  iom-days:
    closures: []
  year-end:
    yearly:
      - from: 12-29
        to: 01-03
"""
FILES = {"hotline.yaml": HOTLINE, "main.yaml": MAIN, "services.yaml": SERVICES,
         "calendars.yaml": CALENDARS,
         "languages/en.yaml": (MENUS / "languages" / "en.yaml").read_text(encoding="utf-8"),
         "languages/tl.yaml": (MENUS / "languages" / "tl.yaml").read_text(encoding="utf-8")}
HOUTERASU_TOLD = '    number: 0570-078377\n'
HOUTERASU_DIALLED = '    dial: "+815037545430"\n    number: 050-3754-5430\n'
WEEKDAY = Moment("weekday 10:00", jst("2026-11-24 10:00"))
LUNCH = Moment("weekday 12:45", jst("2026-11-24 12:45"))


def small(*edits: tuple[str, str, str]):
    """The small tree, with each (file, old, new) edit made (``old`` found exactly once)."""
    files = dict(FILES)
    for file, old, new in edits:
        assert files[file].count(old) == 1, old
        files[file] = files[file].replace(old, new)
    return loader.load_bundle(Bundle("menus", frozen_map(files))).tree


def fixture_menus(*edits: tuple[str, str, str]):
    """The fixture menus (tests/menus), with each (file, old, new) edit made."""
    bundle = read_folder(str(MENUS), str(AUDIO))
    files = dict(bundle.files)
    for file, old, new in edits:
        assert files[file].count(old) == 1, old
        files[file] = files[file].replace(old, new)
    return loader.load_bundle(Bundle("menus", frozen_map(files))).tree


def ends(walk) -> list[tuple[str, End]]:
    return [(paths.label(keys), path.end) for keys, path in walk.paths.items()]


def sentences(old, new, *at: Moment) -> list[str]:
    return [change.sentence for change in changes.diff(old, new, "main", at)]


IOM, POLICE = "+81335952487", "+81335010110"


def test_every_path_in_tagalog_on_a_weekday_morning() -> None:
    walk = paths.walk(small(), "main", "tl", jst("2026-11-24 10:00"))
    assert ends(walk) == [
        ("the greeting", End(Goes.LANGUAGES, "2")),
        ("the language key", End(Goes.MENU, "main")),
        ("1", End(Goes.DIAL, "iom", IOM)),
        ("1 (answered)", End(Goes.GOODBYE)),
        ("1 (busy)", End(Goes.OFFER, "iom", why="busy", offered=("police", "number"))),
        ("1 (busy)-1", End(Goes.DIAL, "police", POLICE)),
        ("1 (busy)-1 (answered)", End(Goes.GOODBYE)),
        ("1 (busy)-1 (busy)", End(Goes.OFFER, "police", why="busy",
                                  offered=("iom", "number"))),
        ("1 (busy)-1 (busy)-1", End(Goes.DIAL, "iom", IOM)),  # dialled before: it stops
        ("1 (busy)-1 (busy)-2", End(Goes.TELL, "police", "03-3501-0110")),
        ("1 (busy)-1 (busy)-2-0", End(Goes.BACK, "main")),
        ("1 (busy)-1 (busy)-0", End(Goes.BACK, "main")),
        ("1 (busy)-1 (no answer)", End(Goes.OFFER, "police", why="no_answer",
                                       offered=("iom", "number"))),
        ("1 (busy)-1 (failed)", End(Goes.OFFER, "police", why="failed",
                                    offered=("iom", "number"))),
        ("1 (busy)-2", End(Goes.TELL, "iom", "03-3595-2487")),
        ("1 (busy)-2-0", End(Goes.BACK, "main")),
        ("1 (busy)-0", End(Goes.BACK, "main")),
        ("1 (no answer)", End(Goes.OFFER, "iom", why="no_answer", offered=("police", "number"))),
        ("1 (failed)", End(Goes.OFFER, "iom", why="failed", offered=("police", "number"))),
        ("2", End(Goes.TELL, "rights", "0570-090911")),
        ("2-0", End(Goes.BACK, "main")),
        ("3", End(Goes.MENU, "legal")),
        ("3-1", End(Goes.TELL, "houterasu", "0570-078377")),
        ("3-1-0", End(Goes.BACK, "legal")),
        ("3-0", End(Goes.BACK, "main")),
        ("0", End(Goes.LANGUAGES)),
    ]
    assert not walk.truncated


def test_each_path_keeps_what_the_caller_hears_in_their_language() -> None:
    walk = paths.walk(small(), "main", "tl", jst("2026-11-24 10:00"))
    assert walk.paths[()].heard == (
        "Magandang araw. Ito ay isang libre at kumpidensyal na helpline para sa mga dayuhang "
        "naninirahan sa Japan.",
        "Kung ikaw ay nasa panganib ngayon, ibaba ang telepono at tumawag sa 1 1 0 para sa "
        "pulis, o 1 1 9 para sa bumbero o ambulansya. Libre ang mga tawag na ito, 24 oras "
        "bawat araw.",
        "Para sa Tagalog, pindutin ang 2.")
    assert walk.paths[("lang", "3")].heard == (
        "Payo sa batas.", "Para sa Houterasu, pindutin ang 1.",
        "Para marinig ulit, pindutin ang star.", "Para bumalik, pindutin ang 0.")
    assert walk.paths[("lang", "3", "0")].heard == ()  # the menu again: compared where first met


def test_a_closed_service_says_why_when_it_opens_and_what_is_offered() -> None:
    walk = paths.walk(small(), "main", "en", jst("2026-11-24 12:45"))
    closed = walk.paths[("lang", "1")]
    assert closed.end == End(Goes.CLOSED, "iom", why="lunch break",
                             opens=jst("2026-11-24 13:30"), offered=("police", "number"))
    assert closed.heard[:3] == ("IOM Tokyo is closed now.", "It is closed for the lunch break.",
                                "It opens again today at 13:30.")
    assert walk.paths[("lang", "1", "1")].end == End(Goes.DIAL, "police", POLICE)
    assert ("lang", "1", "1", "(busy)", "1") in walk.paths  # the police's number, read out


def test_after_no_answer_and_failed_the_keys_are_those_after_busy_walked_once() -> None:
    walk = paths.walk(small(), "main", "en", jst("2026-11-24 10:00"))
    assert ("lang", "1", "(busy)", "1") in walk.paths
    for outcome in ("(no answer)", "(failed)"):
        assert ("lang", "1", outcome) in walk.paths
        assert not [keys for keys in walk.paths if keys[:3] == ("lang", "1", outcome)
                    and len(keys) > 3]


def test_a_walk_stops_at_its_depth_and_at_its_size(monkeypatch) -> None:
    monkeypatch.setattr(paths, "MAX_INPUTS", 3)
    walk = paths.walk(small(), "main", "en", jst("2026-11-24 10:00"))
    assert max(len(keys) for keys in walk.paths) == 3
    assert ("lang", "1", "(busy)") in walk.paths and not walk.truncated
    monkeypatch.setattr(paths, "MAX_PATHS", 5)
    cut = paths.walk(small(), "main", "en", jst("2026-11-24 10:00"))
    assert len(cut.paths) == 5 and cut.truncated
    assert sentences(small(), small(), WEEKDAY)[0] == (
        "English, the paths beyond the first 5 at weekday 10:00: not compared (the tree has "
        "more paths than are walked)")


def test_a_hotline_or_language_the_tree_lacks_has_no_paths() -> None:
    assert paths.walk(small(), "main", "vi", jst("2026-11-24 10:00")).paths == {}
    assert paths.walk(small(), "other", "en", jst("2026-11-24 10:00")).paths == {}


@pytest.mark.parametrize(("keys", "text"), [
    ((), "the greeting"), (("lang",), "the language key"), (("lang", "3", "1"), "3-1"),
    (("lang", "4", "(busy)", "1", "(no answer)"), "4 (busy)-1 (no answer)"), (("2", "0"), "2-0"),
])
def test_a_path_is_labelled_as_staff_write_it(keys, text) -> None:
    assert paths.label(keys) == text


def test_the_example_of_the_issue_told_then_dialled() -> None:
    old = small()
    new = small(("services.yaml", HOUTERASU_TOLD, HOUTERASU_DIALLED))
    assert sentences(old, new, WEEKDAY) == [
        "English, 3-1 at weekday 10:00: now dials +81 50-3754-5430 instead of telling "
        "0570-078377 (after it: 7 new paths, 1 path gone)",
        "Tagalog, 3-1 at weekday 10:00: now dials +81 50-3754-5430 instead of telling "
        "0570-078377 (after it: 7 new paths, 1 path gone)"]


def test_a_new_number_is_one_sentence_for_every_path_that_dials_it() -> None:
    new = small(("services.yaml", '"+81335010110"\n    number: 03-3501-0110',
                 '"+81335010111"\n    number: 03-3501-0111'))
    dials, tells = ("now dials +81 3-3501-0111 instead of +81 3-3501-0110",
                    "now tells 03-3501-0111 instead of 03-3501-0110")
    assert sentences(small(), new, WEEKDAY, LUNCH) == [
        f"{language}, {where}: {what}" for language in ("English", "Tagalog")
        for where, what in (("1 (busy)-1 at weekday 10:00", dials),
                            ("1 (busy)-1 (busy)-2 at weekday 10:00", tells),
                            ("1-1 at weekday 12:45", dials),
                            ("1-1 (busy)-1 at weekday 12:45", tells))]


def test_a_closure_closes_iom_on_the_weekday_and_changes_its_reason_at_lunch() -> None:
    closure = ("    closures:\n      - date: 2026-11-24\n        reason:\n"
               "          en: an office move\n          tl: paglipat ng opisina\n")
    new = small(("calendars.yaml", "    closures: []\n", closure))
    closed = "now says IOM Tokyo is closed (dated closure: an office move; opens Wed " \
             "2026-11-25 09:00)"
    assert sentences(small(), new, WEEKDAY, LUNCH) == [
        f"{language}, 1 at weekday {what}" for language in ("English", "Tagalog") for what in (
            f"10:00: {closed} instead of dialling +81 3-3595-2487; it offers 1: the police "
            "line, 2: its number (after it: 11 new paths, 16 paths gone)",
            f"12:45: {closed} instead of (lunch break; opens Tue 2026-11-24 13:30)")]


def test_a_changed_prompt_an_added_option_and_a_removed_one() -> None:
    prompt = small(("main.yaml", "en: Please choose.", "en: Please choose one."))
    assert sentences(small(), prompt, WEEKDAY) == [
        "English, the language key at weekday 10:00: now hears 'Please choose one.' instead of "
        "'Please choose.'"]
    added = small(("main.yaml", "        menu: legal\n", "        menu: legal\n      \"4\":\n"
                   "        label: {en: the police, tl: pulis}\n        connect: police\n"))
    assert sentences(small(), added, WEEKDAY)[:2] == [
        "English, the language key at weekday 10:00: now hears 'For the police, press 4.' "
        "after 'For legal advice, press 3.'",
        "English, 4 at weekday 10:00: a new path: it dials +81 3-3501-0110 (the police line) "
        "(after it: 16 new paths)"]
    assert sentences(added, small(), WEEKDAY)[:2] == [
        "English, the language key at weekday 10:00: no longer hears 'For the police, press 4.'",
        "English, 4 at weekday 10:00: no longer possible (it dialled +81 3-3501-0110 (the "
        "police line)) (after it: 16 paths gone)"]


def test_one_language_less_ends_the_language_choice() -> None:
    english = small(("hotline.yaml", "languages: [en, tl]", "languages: [en]"))
    assert sentences(small(), english, WEEKDAY) == [
        "English, the greeting at weekday 10:00: now plays the menu 'main' instead of playing "
        "the language choice (this language: key 1)",
        "English, 0 at weekday 10:00: now goes back to 'main' instead of playing the language "
        "choice",
        "English, the language key at weekday 10:00: no longer possible (it played the menu "
        "'main')",
        "Tagalog, the greeting at weekday 10:00: no longer possible (it played the language "
        "choice (this language: key 2)) (after it: 25 paths gone)"]


@pytest.mark.parametrize(("old", "new", "text"), [
    (("a", "b"), ("x", "a", "b"), "now hears 'x' first"),
    (("a", "b"), ("a", "x", "b"), "now hears 'x' after 'a'"),
    (("a", "b", "c"), ("a", "c"), "no longer hears 'b'"),
    (("a", "b", "c"), ("a", "x", "y"), "now hears 'x' instead of 'b' (and 1 more sentence "
                                       "differs)"),
    (("a", "b", "c"), ("x", "b", "y", "z"), "now hears 'x' instead of 'a' (and 2 more "
                                            "sentences differ)"),
])
def test_what_is_heard_is_compared_sentence_by_sentence(old, new, text) -> None:
    assert changes.heard_change(old, new) == text


def test_the_fixture_menus_with_iom_closed_for_a_day() -> None:
    closure = ("    closures:\n      - date: 2026-11-24\n        reason:\n"
               "          en: an office move\n          ja: 事務所の移転\n"
               "          tl: paglipat ng opisina\n")
    old = fixture_menus()
    new = fixture_menus(("calendars.yaml", "    closures: []\n", closure))
    at = moments.reference(jst("2026-11-20 18:00"), (old, new))
    found = sentences(old, new, *at)
    closed = "now says IOM Tokyo is closed"
    assert found[:5] == [
        f"English, 4 at weekday 10:00: {closed} (dated closure: an office move; opens Wed "
        "2026-11-25 09:00) instead of dialling +81 3-3595-2487; it offers 1: the police "
        "consultation line in English, 2: Houterasu legal support, 3: the Tokyo police English "
        "line, 4: its number (after it: 89 new paths, 86 paths gone)",
        "English, 5-4 at weekday 10:00: now hears 'IOM Tokyo is closed now.' instead of 'IOM "
        "Tokyo is open now.'",
        f"English, 4 at weekday 12:45: {closed} (dated closure: an office move; opens Wed "
        "2026-11-25 09:00) instead of (lunch break; opens Tue 2026-11-24 13:30)",
        # before the closure, IOM opens a day later than it did
        f"English, 4 at Saturday 22:00: {closed} (weekend; opens Wed 2026-11-25 09:00) instead "
        "of (weekend; opens Tue 2026-11-24 09:00)",
        f"English, 4 at holiday 10:00: {closed} (national holiday: Labor Thanksgiving Day; "
        "opens Wed 2026-11-25 09:00) instead of (national holiday: Labor Thanksgiving Day; "
        "opens Tue 2026-11-24 09:00)"]
    assert len(found) == 15  # the same five in Japanese, then in Tagalog
    assert found[6] == ("日本語, 5-4 at weekday 10:00: now hears '国際移住機関、IOMの"
                        "東京事務所は、いま受付時間外です。' instead of '国際移住機関、"
                        "IOMの東京事務所は、いま受付中です。'")
    assert found[11] == ("Tagalog, 5-4 at weekday 10:00: now hears 'Sarado ngayon ang IOM "
                         "Tokyo.' instead of 'Bukas ngayon ang IOM Tokyo.'")


def test_the_same_trees_have_no_change() -> None:
    tree = fixture_menus()
    assert sentences(tree, tree, *moments.reference(jst("2026-11-20 18:00"), (tree,))) == []


def test_the_reference_moments_after_a_friday_evening() -> None:
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 18:00 in Japan, a Friday
    found = moments.reference(now, (small(),), jst("2026-12-24 10:00"))
    assert [(m.name, m.at, m.when) for m in found] == [
        ("weekday 10:00", jst("2026-11-24 10:00"), "Tue 2026-11-24 10:00"),  # Monday: holiday
        ("weekday 12:45", jst("2026-11-24 12:45"), "Tue 2026-11-24 12:45"),
        ("Saturday 22:00", jst("2026-11-21 22:00"), "Sat 2026-11-21 22:00"),
        ("holiday 10:00", jst("2026-11-23 10:00"), "Mon 2026-11-23 10:00, Labor Thanksgiving Day"),
        ("2026-12-24 10:00", jst("2026-12-24 10:00"), "Thu 2026-12-24 10:00"),
    ]


def test_the_reference_moments_skip_the_year_end_of_the_calendars() -> None:
    found = moments.reference(jst("2026-12-28 12:00"), (small(),))
    assert [m.at for m in found] == [jst("2027-01-04 10:00"), jst("2026-12-28 12:45"),
                                    jst("2027-01-02 22:00"), jst("2027-01-01 10:00")]
    assert found[3].note == "New Year's Day"
