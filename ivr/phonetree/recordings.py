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
           "hours_day", "days_range", "span", "and", "date")
WHOLE_WITH_SLOTS = ("language_option", "repeat_hint", "back_hint")  # slots fixed per hotline


def fixed_sentences(tree: Tree) -> list[str]:
    """Names of the sentences that never change: each may be recorded whole."""
    names = [p for p, slots in PHRASES.items() if not slots] + list(WHOLE_WITH_SLOTS)
    for menu in tree.menus.values():
        names.append(f"menu.{menu.id}")
        names += [f"option.{menu.id}.{key}" for key in menu.options]
    return [n for n in names if n not in ("and",)]


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
    return fixed_sentences(tree) + pieces(tree, tree.languages[lang])


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
    for (code, name), file in sorted(tree.recordings.items()):
        _stray(tree, report, code, name, file)


def _stray(tree: Tree, report: Report, code: str, name: str, file: str) -> None:
    if code not in tree.languages:
        report.warning(f"audio/{file}", 0, f"'{code}' is not a language of the menus; "
                       "this recording is never played")
        return
    language = tree.languages[code]
    usable = fixed_sentences(tree)
    if language.voice.language is None:
        usable += pieces(tree, language)
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
