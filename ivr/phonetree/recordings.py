"""Which recordings the tree can use, which it needs, and which are missing or stray.

Pure core. A language with text-to-speech may replace any fixed sentence by
a recording of it (``audio/<lang>/<name>.wav``). A language without a Twilio
voice (``say: none``) must have every fixed sentence recorded whole, and the
pieces of every sentence that changes with the time or the service: the
words between the slots, the service names, digits, weekdays, months, days
and times.
"""

from __future__ import annotations

from ivr.phonetree import speech
from ivr.phonetree.report import Report, did_you_mean
from ivr.phonetree.speech import PHRASES, Part
from ivr.phonetree.tree import Language, Tree

DYNAMIC = ("connecting", "busy", "no_answer", "failed", "not_dialable", "closed",
           "closed_day_off", "closed_closure", "closed_override", "opens_today",
           "opens_tomorrow", "opens_weekday", "opens_date", "offer_service", "offer_number",
           "number", "number_again", "hours", "hours_always", "open_now", "closed_now",
           "hours_day", "days_range", "span", "and", "date", "speaks", "offer_language",
           "connect_anyway", "comma")
WHOLE_WITH_SLOTS = ("language_option", "repeat_hint", "back_hint")  # slots fixed per hotline
JOINERS = ("and", "comma")  # between pieces: pieces themselves, never a sentence
MORE = "language_more"  # a language of the second list, offering itself on the first: "press 9"


def fixed_sentences(tree: Tree, lang: str | None = None) -> list[str]:
    """Names of the sentences that never change: each may be recorded whole (with ``lang``,
    its offer on the first list too, when it is in the second)."""
    names = [p for p, slots in PHRASES.items() if not slots] + list(WHOLE_WITH_SLOTS)
    if lang is not None and any(lang in h.more_keys for h in tree.hotlines.values()):
        names.append(MORE)
    for menu in tree.menus.values():
        names.append(f"menu.{menu.id}")
        names += [f"option.{menu.id}.{key}" for key in menu.options]
    return [n for n in names if n not in JOINERS]


def pieces(tree: Tree, language: Language) -> list[str]:
    """Names of the pieces that sentences changing with time or service are built of."""
    names: list[str] = []
    for phrase in DYNAMIC:
        blanks = {slot: Part("", None) for slot in PHRASES[phrase]}
        names += [p.key for p in speech.fill(language, phrase, **blanks) if p.key]
    names += [f"service.{sid}" for sid in tree.services]
    names += [f"weekday.{day}" for day in speech.DAY_KEYS]
    names += [f"month.{m}" for m in range(1, 13)] + [f"day.{d}" for d in range(1, 32)]
    names += [f"key.{k}" for k in "1234"] + [f"time.{t}" for t in _times(tree)]
    names += [f"language.{code}" for s in tree.services.values() for code in s.languages]
    names += sorted({speech.digits(language, c)[0].key for s in tree.services.values()
                     for c in (s.number or "") if c.isdigit() or c in "*#"})
    for service in tree.services.values():
        schedule = service.schedule
        causes = [*schedule.overrides, *(c for cal in schedule.calendars
                                          for c in (*cal.closures, *cal.yearly))]
        names += [c.key for c in causes if c.label]
    return list(dict.fromkeys(names))


def needed(tree: Tree, lang: str) -> list[str]:
    """Every recording a language without a voice needs, in a stable order."""
    return list(dict.fromkeys(fixed_sentences(tree, lang) + pieces(tree, tree.languages[lang])))


def check(tree: Tree, report: Report, spoken: list[str]) -> None:
    """Missing recordings of voiceless languages are errors; stray files are warnings."""
    for code in spoken:
        language = tree.languages[code]
        if language.voice.language is None:
            missing = [n for n in needed(tree, code) if (code, n) not in tree.recordings]
            if missing:
                shown = ", ".join(f"{n}.wav" for n in missing[:8])
                more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
                report.at(("languages", code), f"language '{code}' has no Twilio voice, so "
                          f"it needs recordings; missing in audio/{code}/: {shown}{more} "
                          f"(list them all: flask --app ivr menus recordings {code})")
    usable: dict[str, list[str]] = {}  # per language: worked out once, not once per file
    for (code, name), file in sorted(tree.recordings.items()):
        _stray(tree, report, code, name, file, usable)


def _stray(tree: Tree, report: Report, code: str, name: str, file: str,
           known: dict[str, list[str]]) -> None:
    if code not in tree.languages:
        report.warning(f"audio/{file}", 0, f"'{code}' is not a language of the menus; "
                       "this recording is never played")
        return
    usable = known.get(code)
    if usable is None:
        language = tree.languages[code]
        usable = fixed_sentences(tree, code)
        if language.voice.language is None:
            usable += pieces(tree, language)
        known[code] = usable
    if name not in usable:
        report.warning(f"audio/{file}", 0, f"no prompt is called '{name}', so this "
                       f"recording is never played{did_you_mean(name, usable)}")


def _times(tree: Tree) -> list[str]:
    minutes = set()
    for service in tree.services.values():
        for spans in service.schedule.weekly.days:
            for span in spans:
                minutes |= {span.start, span.end % (24 * 60)}
        for override in service.schedule.overrides:
            minutes |= {override.start.hour * 60 + override.start.minute,
                        override.end.hour * 60 + override.end.minute}
    return [f"{m // 60:02d}{m % 60:02d}" for m in sorted(minutes)]


def texts(tree: Tree, lang: str) -> dict[str, str]:
    """What each recording a language can use says, by name: the script for the person who
    records them (and for a placeholder's speech synthesiser)."""
    language = tree.languages[lang]
    said = {u.key: u.text for u in _sentences(tree, language)}
    for phrase in DYNAMIC:
        blanks = {slot: Part("", None) for slot in PHRASES[phrase]}
        said |= {p.key: p.text.strip() for p in speech.fill(language, phrase, **blanks) if p.key}
    said |= {f"service.{s.id}": s.name.get(lang, "") for s in tree.services.values()}
    said |= {f"weekday.{d}": w for d, w in zip(speech.DAY_KEYS, language.weekdays, strict=True)}
    said |= {f"month.{m}": name for m, name in enumerate(language.months, start=1)}
    said |= {f"day.{d}": str(d) for d in range(1, 32)}
    said |= {f"key.{k}": speech.key_name(language, k).text for k in "1234"}
    said |= {f"digit.{d}": speech.digit(language, str(d)).text for d in range(10)}
    said |= {f"language.{c}": language.language_names.get(c, c)
             for s in tree.services.values() for c in s.languages}
    for time in _times(tree):
        said[f"time.{time}"] = speech.time_of_day(language, int(time[:2]) * 60 + int(time[2:])).text
    for service in tree.services.values():
        schedule = service.schedule
        for cause in (*schedule.overrides, *(c for cal in schedule.calendars
                                              for c in (*cal.closures, *cal.yearly))):
            if cause.label:
                said[cause.key] = cause.label.get(lang, "")
    return said


def _sentences(tree: Tree, language: Language) -> list[speech.Utterance]:
    """The sentences recorded whole, as the default hotline says them in ``language``."""
    hotline = tree.default_hotline
    keys = hotline.keys
    said = [speech.say(language, p) for p, slots in PHRASES.items()
            if not slots and p not in JOINERS]
    for name, key in (("repeat_hint", keys.repeat), ("back_hint", keys.back)):
        said.append(speech.say(language, name, name, key=speech.key_name(language, key)))
    for codes, name, key in ((hotline.first_keys, "language_option", None),
                             (hotline.more_keys, "language_option", None),
                             (hotline.more_keys, MORE, "9")):
        if language.code in codes:
            chosen = key or str(codes.index(language.code) + 1)
            said.append(speech.say(language, "language_option", name,
                                   key=speech.key_name(language, chosen)))
    for menu in tree.menus.values():
        said.append(speech.text(language, menu.prompt.get(language.code, ""), f"menu.{menu.id}"))
        for key, option in menu.options.items():
            label = Part(option.label.get(language.code, ""), None)
            said.append(speech.say(language, "option", f"option.{menu.id}.{key}", label=label,
                                   key=speech.key_name(language, key)))
    return said
