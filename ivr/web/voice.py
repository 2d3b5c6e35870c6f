"""The webhooks Twilio calls: signed requests in, TwiML out, never a 3xx or a 5xx.

Views are thin: read the request, ask the engine for the next step, render
it, hand the step's events to the call log. Each view looks up the app and
the request once and hands them on (``_here``), not through a proxy per use,
and names the tree it used (``X-IVR-Tree``) when it makes its answer.
Whatever goes wrong inside a view, the caller gets the static fallback
answer (emergency advice and a 24 h line), never "an application error has
occurred".
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from flask import Blueprint, Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from ivr.call import engine, state
from ivr.call.events import CallEvent, Event, FallbackReason
from ivr.call.events import Kind as E
from ivr.live import menus
from ivr.phonetree.tree import Tree
from ivr.web import fallback, idempotency, origin, signature
from ivr.web.answers import Answers

bp = Blueprint("voice", __name__, url_prefix="/voice")
log = logging.getLogger(__name__)
METHODS = ["GET", "POST"]  # Twilio posts; a number can be set to GET
_SID = re.compile(r"^[A-Za-z]{2}[0-9a-fA-F]{32}$")
_NOT_KEYS = re.compile(r"[^0-9*#]")
TREE_HEADER = "X-IVR-Tree"
FALLBACK_SEQ = 100  # the app's own fallback events come after any its request recorded
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@bp.before_request
def _signed() -> None:
    signature.require(request._get_current_object())  # the request itself: no proxy per use


@bp.after_request
def _named(response: Response) -> Response:
    """Every answer names the tree version it used ("none": the fallback, without menus);
    a view's own TwiML names it already (``_twiml``)."""
    if TREE_HEADER not in response.headers:
        response.headers[TREE_HEADER] = g.get("ivr_tree", "none")
    return response


def _here() -> tuple[Flask, Request]:
    """The app and the request themselves, looked up once (each use of a proxy looks up)."""
    return current_app._get_current_object(), request._get_current_object()  # type: ignore[attr-defined]


def _loaded(app: Flask) -> menus.Loaded | None:
    """The tree this request uses, noted for the answer's header if the view fails."""
    loaded = menus.of(app).get()
    if loaded is not None:
        g.ivr_tree = loaded.version
    return loaded


@bp.route("", methods=METHODS)
@bp.route("/", methods=METHODS)
def incoming() -> Response:
    """A call comes in: greeting, emergency advice, language choice."""
    app, req = _here()
    loaded = _loaded(app)
    values = _values(req)
    dialled = _param(values, "To", 32)
    if loaded is None:
        started = Event.of(E.CALL_STARTED, hotline=None, caller=_param(values, "From", 32),
                           to=dialled)
        return _fallback_answer(FallbackReason.NO_MENUS, started)
    tree = loaded.tree

    def work() -> tuple[engine.Step, str]:
        return engine.start(tree, dialled), tree.hotline_for(dialled).id

    answer = _answers(app, tree).get(("start", dialled), now(app), req.script_root,
                                     _audio_base(app, req), work)
    started = Event.of(E.CALL_STARTED, hotline=answer.hotline,
                       caller=_param(values, "From", 32), to=dialled)
    _record(app, req, answer.hotline, (started, *answer.step.events))
    return _twiml(answer.twiml(1), loaded.version)


@bp.route("/<kind>", methods=METHODS)
@bp.route("/<kind>/<path:rest>", methods=METHODS)
def step(kind: str, rest: str | None = None) -> Response:
    """A key, a silence or a dial outcome at the place the URL names."""
    app, req = _here()
    loaded = _loaded(app)
    if loaded is None:
        return _fallback_answer(FallbackReason.NO_MENUS)
    tree, at = loaded.tree, now(app)
    args = _args(req)
    values = _values(req)
    kind = kind if rest is None else "?"
    digits, dial_status = _digits(values), _param(values, "DialCallStatus", 16)
    duration, dialled = _param(values, "DialCallDuration", 8), _param(values, "To", 32)

    def work() -> tuple[engine.Step, str]:
        place = state.from_url(kind, args)
        step = engine.respond(tree, place, digits, at, dial_status, _number(duration))
        if step.dial is not None and step.dial.caller_id is None:
            # Twilio requires a number of the account as caller ID: the one that was dialled
            step = dataclasses.replace(step, dial=dataclasses.replace(
                step.dial, caller_id=_caller_id(dialled)))
        hotline = place.hotline if place.hotline in tree.hotlines else tree.default_hotline.id
        return step, hotline

    key = (kind, *map(args.get, state.PLACE_KEYS), digits, dial_status, duration, dialled)
    answer = _answers(app, tree).get(key, at, req.script_root, _audio_base(app, req), work,
                                     size=len(req.query_string) + len(dialled or ""))
    _record(app, req, answer.hotline, answer.step.events)
    return _twiml(answer.twiml(state.turn_of(args) + 1), loaded.version)


@bp.route("/status", methods=METHODS)
def status() -> Response:
    """Twilio's status callback: closes the call's record (idempotent)."""
    app, req = _here()
    values = _values(req)
    call_status = _param(values, "CallStatus", 16) or "unknown"
    event = Event.of(E.CALL_STATUS, status=call_status,
                     duration=_number(_param(values, "CallDuration", 8)))
    _record(app, req, None, (event,), read=("CallStatus",))  # one record per status
    return _twiml("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response />", "none")  # no tree


@bp.route("/fallback", methods=METHODS, endpoint="fallback")
def fallback_answer() -> Response:
    """The number's Voice Fallback URL: works without menus and database."""
    app, req = _here()
    values = _values(req)
    error_url = fallback.logged_url(values.get("ErrorUrl"))
    _record(app, req, None, (Event.of(E.FALLBACK_USED, error_code=_param(values, "ErrorCode", 16),
                                      error_url=error_url),))
    return _fallback_answer()


@bp.errorhandler(Exception)
def _failed(exc: Exception) -> Response:
    """Refusals (403, 413) stand; anything else answers with the fallback TwiML."""
    if isinstance(exc, HTTPException) and exc.code is not None and exc.code < 500:
        return Response(exc.description, exc.code, mimetype="text/plain")
    log.exception("a voice step failed (call %s); answering with the fallback",
                  _sid(_values(request._get_current_object())))
    return _fallback_answer(FallbackReason.ERROR)


def _fallback_answer(reason: FallbackReason | None = None, *before: Event) -> Response:
    """The static fallback TwiML. With a ``reason`` the app chose it itself (no menus, or a
    step failed): the call log says so, after a step's own events (``FALLBACK_SEQ``)."""
    app, req = _here()
    if reason is not None:
        _record(app, req, None, (*before, Event.of(E.FALLBACK_USED, reason=reason)),
                start=FALLBACK_SEQ)
    config = app.config
    caller_id = _caller_id(config["IVR_FALLBACK_CALLER_ID"] or _param(_values(req), "To", 32))
    return _twiml(fallback.twiml(config["IVR_FALLBACK_NUMBER"], caller_id))  # named by _named


def _caller_id(number: str | None) -> str | None:
    """``number`` when it is a phone number (E.164), else None: no caller ID at all.

    A call to the hotline from a Twilio Client or a SIP domain has ``To`` like
    ``client:alice``; shown as the caller ID of a call to a phone number, it
    would make Twilio refuse the connection.
    """
    return number if number and _E164.match(number) else None


def _answers(app: Flask, tree: Tree) -> Answers:
    """The answers of ``tree``: made when a new tree starts serving."""
    answers = app.extensions.get("ivr.answers")
    if answers is None or answers.tree is not tree:
        answers = app.extensions["ivr.answers"] = Answers(tree)
    return answers


def _twiml(text: str, tree: str | None = None) -> Response:
    """A TwiML answer; ``tree``: the version it names (else ``_named`` names it)."""
    response = Response(text, 200, mimetype="text/xml")
    if tree is not None:
        response.headers[TREE_HEADER] = tree
    return response


def now(app: Flask | None = None) -> datetime:
    return (app or current_app).extensions["ivr.clock"]()


def _values(req: Request) -> dict[str, str]:
    """``request.values`` as a plain dict, made once per request (``webrequest``)."""
    return req.values_dict  # type: ignore[attr-defined]


def _args(req: Request) -> Mapping[str, str]:
    """The query's first value of each name, as ``MultiDict.get`` gives it (read only)."""
    return req.args_dict  # type: ignore[attr-defined]


def _param(values: dict[str, str], name: str, limit: int) -> str | None:
    value = values.get(name)
    return value[:limit] if value else None


def _digits(values: dict[str, str]) -> str | None:
    """The key pressed; garbage becomes '?' (an invalid key), absence None (silence)."""
    raw = values.get("Digits")
    if raw is None:
        return None
    return _NOT_KEYS.sub("", raw)[:8] or "?"


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _sid(values: dict[str, str]) -> str | None:
    sid = values.get("CallSid", "")
    return sid if _SID.match(sid) else None


def _audio_base(app: Flask, req: Request) -> str:
    return app.config["IVR_AUDIO_BASE_URL"] or origin.base_url(req) + "/audio/"


def _record(app: Flask, req: Request, hotline: str | None, events: Iterable[Event],
            read: Iterable[str] = idempotency.READ, start: int = 0) -> None:
    """Hand the events to the call log, if there is one; never fails the call.

    Each event is named after the request (``idempotency``): a replayed or
    retried request names its events as before, and the log keeps them once.
    """
    calllog = app.extensions.get("calllog")
    values = _values(req)
    sid = _sid(values)
    if calllog is None or sid is None:
        return
    at = now(app)
    try:
        request_id = idempotency.request_id(sid, req.path, values, read)
        hotline = hotline or ""
        calllog.record([CallEvent(f"{request_id}:{seq}", sid, hotline, at, seq, event.kind,
                                  event.data) for seq, event in enumerate(events, start)])
    except Exception:  # the log must never break a call
        log.exception("call log failed to take the events of call %s", sid)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
