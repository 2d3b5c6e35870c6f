"""The try-it simulator: a call through any version of the menus, key by key, in the browser.

For viewers and admins (the draft: admins only). It writes nothing: no call
log, no session. The call lives in the form, as it lives in the webhook URLs
of a real call: each turn is the place the engine asked its input for
(``ivr.call.state``) and the input given there (a key, a silence, the
outcome of a connection). Each request plays every turn again through the
same engine as real calls, at the chosen Japan date and time, so the page
shows every prompt in order - with a player where a recording exists - and
where the call goes. Every key is a form button; ``try.js`` adds the keyboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ivr import calllog
from ivr.call import engine, paths, state
from ivr.call.steps import Place, Step
from ivr.calllog.outcome import JAPAN
from ivr.phonetree.speech import Utterance
from ivr.phonetree.tree import Hotline, Tree
from ivr.staff import auth, layout, menutrees
from ivr.staff.menutrees import NotFound

bp = Blueprint("staff_try", __name__, url_prefix="/staff/menus")
bp.before_request(auth.staff_only)
bp.register_error_handler(HTTPException, layout.error_page)

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
SILENCE = "-"
OUTCOMES = {"completed": "answered", "busy": "busy", "no-answer": "no answer",
            "failed": "failed"}  # DialCallStatus -> the button's words
MAX_TURNS = 100


@dataclass(frozen=True)
class Heard:
    """One prompt: its text and language, and the recordings that play it (if any)."""

    text: str
    lang: str
    audio: tuple[str, ...]  # URLs


@dataclass(frozen=True)
class Turn:
    """An input (None: the call's start) and the step it led to."""

    input: str | None
    url: str  # the place the input was given at, as the webhook URL names it
    step: Step


@bp.get("/try")
def try_call() -> ResponseReturnValue:
    """The simulator: the setup form, then the call so far and the keypad."""
    connection = calllog.connection()
    admin = current_user.is_admin
    value = menutrees.asked(request.args.get("version"))
    at, problem = menutrees.japan_moment(request.args.get("date", ""),
                                         request.args.get("time", ""))
    context = {"choices": menutrees.choices(connection, admin), "version": value,
               "problem": problem, "editor": menutrees.EDITOR, "keys": KEYS,
               "outcomes": OUTCOMES}
    try:
        chosen = menutrees.load(connection, value, admin)
    except NotFound as exc:
        return render_template("staff/try.html", missing=str(exc), **context), 404
    if chosen.tree is None or problem:
        return render_template("staff/try.html", chosen=chosen, **context), \
            409 if chosen.tree is None else 400
    tree = chosen.tree
    hotline = tree.hotlines.get(request.args.get("hotline", "")) or tree.default_hotline
    at = at or layout.now()
    turns = play(tree, hotline, at) if _calling() else []
    return render_template("staff/try.html", chosen=chosen, tree=tree, hotline=hotline,
                           at=at.astimezone(JAPAN), turns=turns, given_words=given_words,
                           heard=lambda step: heard(tree, step),
                           goes=lambda step: goes(tree, step), **context)


def _calling() -> bool:
    return bool(request.args.get("start") or request.args.getlist("t")
                or request.args.get("key"))


def play(tree: Tree, hotline: Hotline, at: datetime) -> list[Turn]:
    """The call so far: the start, each turn of the form, then the key just pressed."""
    first = paths.first_step(tree, hotline, at)
    turns = [Turn(None, "", first)]
    for text in _given(hotline, first):
        given, _, url = text.partition(" ")
        turns.append(Turn(given, url, respond(tree, url, given, at)))
    key = request.args.get("key")
    if key and len(turns) > MAX_TURNS:
        abort(400, description=f"A simulated call takes {MAX_TURNS} turns at most: start it "
                               "again.")
    if key:
        url = next_place(turns[-1].step, key)
        if url is None:
            abort(400, description=f"'{key[:12]}' does nothing at this point of the call.")
        given = SILENCE if key == "silence" else key
        turns.append(Turn(given, url, respond(tree, url, given, at)))
    return turns


def _given(hotline: Hotline, first: Step) -> list[str]:
    """The form's turns ("<input> <place URL>"); at the start, the language shortcut's key."""
    given = request.args.getlist("t")[:MAX_TURNS]
    lang = request.args.get("lang", "")
    if request.args.get("start") and not given and lang in hotline.languages \
            and first.gather is not None and len(hotline.languages) > 1:
        return [f"{hotline.languages.index(lang) + 1} {state.to_url(first.gather.action)}"]
    return given


def next_place(step: Step, key: str) -> str | None:
    """Where ``key`` goes from ``step``: the gather's place, its silence, or the dial's
    outcome; None when the step takes no such input."""
    if step.gather is not None and key in KEYS:
        return state.to_url(step.gather.action)
    if step.gather is not None and key == "silence":
        return state.to_url(step.gather.on_silence)
    if step.dial is not None and key in OUTCOMES:
        return state.to_url(step.dial.action)
    return None


def respond(tree: Tree, url: str, given: str, at: datetime) -> Step:
    """The step a webhook at ``url`` answers ``given`` with (a 400 for a forged turn)."""
    parts = urlsplit(url[:400])
    if not parts.path.startswith("/voice/") or not (given in KEYS or given == SILENCE
                                                     or given in OUTCOMES):
        abort(400, description="This simulated call cannot be read: start it again.")
    place: Place = state.from_url(parts.path.rsplit("/", 1)[-1], dict(parse_qsl(parts.query)))
    if given in OUTCOMES:
        return engine.respond(tree, place, None, at, given, 120 if given == "completed" else 0)
    return engine.respond(tree, place, None if given == SILENCE else given, at)


def heard(tree: Tree, step: Step) -> list[Heard]:
    """What the caller hears in ``step``, each prompt with the recordings that play it."""
    return [Heard(u.text, u.lang, tuple(_audio(f) for f in recordings(tree, u)))
            for u in step.speech]


def recordings(tree: Tree, utterance: Utterance) -> list[str]:
    """The recording files a call plays for ``utterance`` (as ``twiml.Renderer.speak``
    chooses: the whole, else nothing for a voice, else each recorded piece)."""
    whole = tree.recordings.get((utterance.lang, utterance.key)) if utterance.key else None
    if whole is not None:
        return [whole]
    if tree.languages[utterance.lang].voice.language is not None:
        return []
    return [tree.recordings[(utterance.lang, part.key)] for part in utterance.parts
            if part.key and (utterance.lang, part.key) in tree.recordings]


def _audio(file: str) -> str:
    return f"{request.script_root}/audio/{file}"


def goes(tree: Tree, step: Step) -> str:
    """Where the call goes after ``step``, in words."""
    if step.dial is not None:
        service = tree.services.get(step.dial.action.target or "")
        name = f" ({service.name.get('en') or next(iter(service.name.values()))})" \
            if service else ""
        return f"dials {paths.shown_number(step.dial.number)}{name}, ringing for up to " \
               f"{step.dial.timeout} s"
    if step.gather is not None:
        return f"waits up to {step.gather.timeout} s for a key"
    return "hangs up" if step.hangup else "ends"


def given_words(given: str | None) -> str:
    """The caller's input, in words."""
    if given == SILENCE:
        return "The caller stays silent."
    if given in OUTCOMES:
        return {"completed": "The line answers; the call goes on there until it ends.",
                "busy": "The line is busy.", "no-answer": "Nobody answers.",
                "failed": "The connection fails."}[given]
    return f"The caller presses {({'*': 'star', '#': 'hash'}).get(given or '', given)}."
