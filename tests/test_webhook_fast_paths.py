"""The webhook's shortcuts answer byte for byte as the framework's own ways would.

A webhook skips work Flask and werkzeug do for every request (``origin.request_root``,
``voice._values``, ``voice._args``, ``sessions.Sessions.save_session``,
``webrequest.WebRequest``'s form), names its tree when it makes its answer
(``voice._twiml``), not in the ``after_request`` hook (``voice._named``), and goes through
Flask in its own lane (``ivr.lane``: only the hooks that do something for it, its URL
matched once).
Each test plays the same requests on one app: with the shortcuts, and with each replaced by
what it stands for. Status, every header in order, the body and the events handed to the
call log must be the same.
"""

from __future__ import annotations

import functools
import io
from typing import Any
from urllib.parse import parse_qsl

import flask
import pytest
from conftest import SID
from flask.sessions import SecureCookieSessionInterface
from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.test import EnvironBuilder

from ivr import lane
from ivr.web import origin, voice, webrequest

TOKEN = "fast-path-test-token-0123456789"
METHODS = ("GET", "POST")  # the webhooks' (others: 405 before any signature check)
FORM = {"CallSid": SID, "From": "+819012345678", "To": "+815000000000"}
# (method, path with query, form, test client options): every kind of webhook, and oddities
REQUESTS: list[tuple[str, str, dict[str, str], dict[str, Any]]] = [
    ("POST", "/voice", {}, {}),
    ("POST", "/voice/", {}, {"base_url": "https://ivr.example.org"}),
    ("POST", "/voice/language?h=main&t=language", {"Digits": "1"}, {}),
    ("POST", "/voice/menu?h=main&l=en&t=main&n=3", {"Digits": "4"}, {}),
    ("POST", "/voice/menu?h=main&l=en&t=main&n=3", {"Digits": "2"},
     {"base_url": "http://127.0.0.1:8000/hotline"}),
    ("POST", "/voice/menu?h=main&l=en&t=main&s=1", {}, {"headers": {"Host": "Example.ORG:80"}}),
    ("POST", "/voice/dialled?h=main&l=en&t=iom&o=main", {"DialCallStatus": "busy",
                                                         "DialCallDuration": "12"}, {}),
    ("POST", "/voice/tell?h=main&l=ja&t=human-rights&o=info", {}, {}),
    ("POST", "/voice/menu?h=main&l=en&t=main&Digits=9&Digits=8", {"Digits": "3"}, {}),
    ("POST", "/voice/menu?h=main&l=en&t=main&l=ja", {"Digits": "x#"}, {}),
    ("GET", "/voice/menu?h=main&l=en&t=main&Digits=1&CallSid=" + SID, {}, {}),
    ("GET", "/voice?CallSid=" + SID + "&To=%2B815000000000&From=%2B819012345678", {}, {}),
    ("POST", "/voice/status", {"CallStatus": "completed", "CallDuration": "61"}, {}),
    ("POST", "/voice/status", {"CallStatus": "busy", "CallStatus ": "x"}, {}),
    ("POST", "/voice/fallback", {"ErrorCode": "11200",
                                 "ErrorUrl": "https://x.example/voice/menu?h=main&n=2"}, {}),
    ("POST", "/voice/nowhere/at/all?h=zz", {"Digits": "1"}, {}),
    ("POST", "/voice/menu?h=main&l=en&t=main", {"Digits": "1", "To": "client:alice"}, {}),
    ("POST", "/voice/menu?h=main&l=en&t=main&n=4", {"Digits": "1"},
     {"headers": {"Cookie": "session=not-signed; remember_token=x"}}),
    ("POST", "/voice/status/", {"CallStatus": "no-answer"}, {"base_url": "https://a.example"}),
    ("PUT", "/voice/menu?h=main", {}, {}),
    ("HEAD", "/voice/menu?h=main&l=en&t=main&Digits=1&CallSid=" + SID, {}, {}),
    ("OPTIONS", "/voice/status", {}, {}),
    ("DELETE", "/voice", {}, {}),
]


class Recorder:
    """Stands in for the call log: keeps what each request hands over."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def record(self, events: Any) -> None:
        self.events.append(list(events))


def plain(monkeypatch: pytest.MonkeyPatch, app: flask.Flask) -> None:
    """Replace each shortcut by the framework's own way of doing the same."""
    monkeypatch.setattr(origin, "request_root", lambda request: request.url_root.rstrip("/"))
    monkeypatch.setattr(voice, "_values", lambda request: request.values)
    monkeypatch.setattr(voice, "_args", lambda request: request.args.to_dict())
    monkeypatch.setattr(voice, "_twiml", lambda text, tree=None: flask.Response(
        text, 200, mimetype="text/xml"))  # the hook names every answer's tree
    monkeypatch.setattr(app, "session_interface", SecureCookieSessionInterface())
    monkeypatch.setattr(app, "request_class", flask.Request)
    monkeypatch.setattr(app, "webhook_lane", None)  # Flask's full_dispatch_request
    monkeypatch.setattr(app, "webhook_routes", None)  # werkzeug's match for each request


def play(monkeypatch: pytest.MonkeyPatch, app: flask.Flask, signed: bool,
         token: str = TOKEN) -> list[tuple[Any, ...]]:
    recorder = Recorder()
    monkeypatch.setitem(app.extensions, "calllog", recorder)
    client = app.test_client()
    answers = []
    for method, path, form, options in REQUESTS:
        options = dict(options)
        headers = dict(options.pop("headers", {}))
        base = options.get("base_url", "http://localhost")
        form = {**FORM, **form} if method == "POST" else {}
        if signed:
            url = base.rstrip("/") + path
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(url, form)
        response = client.open(path, method=method, data=form or None, headers=headers,
                               **options)
        answers.append((method, path, response.status, response.headers.to_wsgi_list(),
                        response.get_data()))
    return [*answers, ("events", recorder.events)]


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_webhooks_answer_as_without_the_shortcuts(make_app, monkeypatch, signed):
    config = {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_ALLOW_UNSIGNED": False} if signed else {}
    app = make_app(**config)
    fast = [play(monkeypatch, app, signed) for _ in range(2)]  # the second: from memos
    plain(monkeypatch, app)
    slow = play(monkeypatch, app, signed)
    assert fast[0] == slow
    assert fast[1] == slow


def test_refusals_answer_as_without_the_shortcuts(make_app, monkeypatch):
    app = make_app(TWILIO_AUTH_TOKEN=TOKEN, IVR_ALLOW_UNSIGNED=False)
    fast = play(monkeypatch, app, True, token="another-token")
    plain(monkeypatch, app)
    assert fast == play(monkeypatch, app, True, token="another-token")
    assert {answer[2] for answer in fast[:-1] if answer[0] in METHODS} == {"403 FORBIDDEN"}


def test_a_staff_page_answers_as_without_the_shortcuts(make_app, monkeypatch):
    """The session shortcut is the app's: a staff page's cookie and headers are Flask's."""
    app = make_app()

    def visit() -> list[tuple[Any, ...]]:
        client = app.test_client()
        pages = [client.get("/staff/login"), client.get("/healthz"), client.get("/staff/"),
                 client.post("/staff/login", data={"username": "x", "password": "y"})]
        return [(page.status, [(name, _no_token(name, value))
                               for name, value in page.headers.to_wsgi_list()])
                for page in pages]

    fast = visit()
    plain(monkeypatch, app)
    assert fast == visit()


def _no_token(name: str, value: str) -> str:
    """A header, the session cookie's value (a new CSRF token each visit) left out."""
    if name != "Set-Cookie":
        return value
    cookie, _, flags = value.partition(";")
    return f"{cookie.partition('=')[0]}=...;{flags}"


def test_request_roots_are_remembered_per_scheme_host_and_root(make_app):
    app = make_app()
    cases = [("http://localhost", {}), ("https://ivr.example.org:8443/a b", {}),
             ("http://xn--bcher-kva.example", {}), ("http://[::1]:8000", {}),
             ("http://localhost", {"HTTP_HOST": "Other.Example"})]
    for _ in range(2):
        for base, environ in cases:
            with app.test_request_context("/voice", base_url=base, environ_overrides=environ):
                assert origin.request_root(flask.request) == flask.request.url_root.rstrip("/")


FORM_BODIES = [b"CallSid=CA1&From=%2B8190&Digits=1", b"a=1&a=2&b=&c&&d=%zz&e=x+y%20z",
               b"a=1;b=2", "Name=Ren\u00e9e&k=\u65e5\u672c".encode(), b"bad=\xff\xfe",
               b"", b"x=" + b"9" * 5000]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; "
                 "charset=utf-8", "Application/X-WWW-Form-URLEncoded", "text/plain",
                 "multipart/form-data; boundary=x", "application/x-url-encoded", ""]


def _parsed(app: flask.Flask, cls: type, environ: dict[str, Any]) -> tuple[Any, ...]:
    environ = {**environ, "wsgi.input": io.BytesIO(environ["wsgi.input"])}
    with app.app_context():
        request = cls(environ)
        found: list[Any] = []
        for read in (lambda: list(request.form.items(multi=True)),
                     lambda: list(request.files.items(multi=True)),
                     lambda: request.stream.read(), lambda: request.get_data()):
            try:
                found.append(read())
            except Exception as exc:  # a 413 over MAX_CONTENT_LENGTH, a 400 for a short body
                found.append(("raised", type(exc), getattr(exc, "code", None)))
        return tuple(found)


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_a_form_is_parsed_as_werkzeug_parses_it(make_app, content_type):
    app = make_app(IVR_MAX_REQUEST_BYTES=4096)
    for body in FORM_BODIES:
        for length, extra in [(str(len(body)), {}), (str(len(body) + 7), {}), (None, {}),
                              (None, {"HTTP_TRANSFER_ENCODING": "chunked"}),
                              (str(len(body)), {"wsgi.input_terminated": True}), ("x", {})]:
            environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/voice", "SERVER_NAME": "x",
                       "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": body,
                       "CONTENT_TYPE": content_type, **extra}
            if length is not None:
                environ["CONTENT_LENGTH"] = length
            assert _parsed(app, webrequest.WebRequest, environ) == _parsed(
                app, flask.Request, environ), (body, length, extra)
    assert app.request_class is webrequest.WebRequest


@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_values_dict_finds_what_werkzeugs_values_find(make_app, method):
    app = make_app()
    query = "a=q1&a=q2&b=&c=q%2B&Digits=9"
    with app.test_request_context(f"/voice?{query}", method=method,
                                  data="a=f1&d=f1&d=f2&Digits=1&e"):
        request = flask.request
        expected = {name: request.values.get(name) for name in request.values}
        assert request.values_dict == expected


def test_the_app_tells_plain_functions_from_coroutines_as_flask_does(make_app):
    app = make_app()

    def view() -> str:
        return "x"

    async def coroutine() -> str:
        return "x"

    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self) -> str:
            return "x"

    def ask(ensure, func):
        try:
            made = ensure(func)
        except Exception as exc:  # Flask without its async extra refuses coroutines
            return ("raised", type(exc))
        return "itself" if made is func else "wrapped"

    class Same(functools.partial):  # equal to any other: a plain one must not pass for
        def __eq__(self, other: object) -> bool:  # a coroutine
            return True

        def __hash__(self) -> int:
            return 1

    funcs = [view, coroutine, functools.partial(view), Unhashable(), app.make_response,
             functools.partial(coroutine), Same(view), Same(coroutine)]
    for _ in range(2):
        for func in funcs:
            assert ask(app.ensure_sync, func) == ask(
                functools.partial(flask.Flask.ensure_sync, app), func), func
    assert app._plain.get(view) is view and coroutine not in app._plain


FIELD_TEXT = (st.text(alphabet=st.sampled_from("ab=&+%;2B0fFgé日\x00 \ud800"), max_size=30)
              | st.text(max_size=20))


@settings(max_examples=3000, deadline=None)
@given(text=FIELD_TEXT)
def test_form_pairs_are_parse_qsl_as_werkzeug_calls_it(text):
    """Any text: '+', '%' escapes valid or not, empty fields, fields without '='."""
    assert webrequest.form_pairs(text) == parse_qsl(text, keep_blank_values=True,
                                                    errors="werkzeug.url_quote")


QUERIES = ["", "h=main&l=en&t=main&n=3", "h=main&l=en&t=main&n=3", "h=main&h=other&n=1",
           "h=m%61in&t=a+b&w=%zz", "n=1&CallSid=CA1&From=%2B819012345678", "a=1", "x", "&&",
           "t=%E6%97%A5&l=ja", "h=main&l=en&t=main&n=3"]


def test_the_query_dict_is_werkzeugs_and_only_the_apps_own_queries_are_kept(make_app):
    app = make_app()
    webrequest._queries.clear()
    for _ in range(2):
        for query in QUERIES:
            with app.test_request_context(f"/voice/menu?{query}", method="POST"):
                request = flask.request
                assert dict(request.args_dict) == request.args.to_dict(), query
                with pytest.raises(TypeError):
                    request.args_dict["h"] = "changed"  # type: ignore[index]
    kept = {query.decode() for query in webrequest._queries}
    assert kept == {"", "h=main&l=en&t=main&n=3", "h=main&h=other&n=1", "h=m%61in&t=a+b&w=%zz",
                    "a=1", "&&", "t=%E6%97%A5&l=ja"}  # never a caller's number (a GET's query)


def test_webhooks_take_their_lane_and_leave_it_when_the_hooks_change(make_app, monkeypatch):
    """The lane is taken by webhooks only; a hook put in the app's lists in place (not
    through Flask, which refuses new hooks after the first request) sends them Flask's way."""
    app = make_app()
    taken = []
    webhooks = app.webhook_lane
    assert webhooks is not None and [f.__name__ for f in webhooks.before] == ["_warn_once",
                                                                              "_signed"]
    real = lane.Lane.dispatch
    monkeypatch.setattr(lane.Lane, "dispatch", lambda *a: taken.append(1) or real(*a))
    client = app.test_client()
    form = {**FORM, "Digits": "1"}
    assert client.post("/voice/menu?h=main&l=en&t=main", data=form).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/staff/login").status_code == 200
    assert client.put("/voice").status_code == 405
    assert len(taken) == 1

    def stamped(response):
        response.headers["X-Stamp"] = "1"
        return response

    app.after_request_funcs[None].append(stamped)
    answer = client.post("/voice/menu?h=main&l=en&t=main", data=form)
    assert answer.headers["X-Stamp"] == "1" and len(taken) == 1


def test_the_lane_leaves_out_only_hooks_that_do_nothing_for_a_webhook(make_app):
    app = make_app(IVR_PUBLIC_URL="https://ivr.example.org")
    kept = {*app.webhook_lane.before, *app.webhook_lane.after}
    left_out = [hook for hooks in (app.before_request_funcs[None], app.after_request_funcs[None])
                for hook in hooks if hook not in kept]
    assert sorted(hook.__qualname__ for hook in left_out) == [
        "CSRFProtect.init_app.<locals>.csrf_protect", "_known_host", "_secured"]
    for path in ("/voice", "/voice/menu?h=main", "/voice/a/b/c", "/voice/status"):
        with app.test_request_context(path, method="POST", data=FORM,
                                      base_url="http://elsewhere.example"):
            assert flask.request.blueprint == "voice"
            for hook in left_out:
                if hook.__name__ == "_secured":
                    assert hook(flask.Response("x")).headers.to_wsgi_list() == [
                        ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "1")]
                else:
                    assert hook() is None  # no token, another host: still nothing


def test_a_views_after_this_request_runs_in_the_lane_as_in_flasks_way(make_app, monkeypatch):
    app = make_app()
    real = voice._twiml

    def twiml(text, tree=None):
        @flask.after_this_request
        def stamp(response):
            response.headers["X-Stamp"] = str(len(response.headers))
            return response

        return real(text, tree)

    monkeypatch.setattr(voice, "_twiml", twiml)

    def answers():
        client = app.test_client()
        found = [client.post(path, data={**FORM, **form}) for path, form in [
            ("/voice/menu?h=main&l=en&t=main", {"Digits": "1"}), ("/voice/status", {})]]
        return [(answer.status, answer.headers.to_wsgi_list(), answer.data) for answer in found]

    fast = answers()
    assert [dict(headers)["X-Stamp"] for _, headers, _ in fast] == ["3", "3"]
    monkeypatch.setattr(app, "webhook_lane", None)
    assert fast == answers()


PATHS = ["/voice", "/voice/", "/voice//", "/voice/menu", "/voice/menu/", "/voice//menu",
         "/voice/status", "/voice/status/", "/voice/fallback", "/voice/a/b/c", "/voice/a//b",
         "/voice/%E6%97%A5", "/voice/\u65e5", "/voice/menu%2Fx", "/voicex", "/voice/../staff",
         "/staff/", "/staff/login", "/healthz", "/audio/en/x.mp3", "/", "", "/voice/a b"]


def _route(app, cls, path, method, base):
    with app.app_context():
        environ = EnvironBuilder(path=path, method=method, base_url=base).get_environ()
        ctx = cls(app, environ)
        ctx.match_request()
        request = ctx.request
        error = request.routing_exception
        return (request.url_rule, request.view_args,
                (type(error), getattr(error, "code", None),
                 getattr(error, "new_url", None)) if error else None)


def _compare(app, path, method, base):
    flasks = _route(app, flask.ctx.RequestContext, path, method, base)
    for _ in range(2):  # the second from the routes kept
        assert _route(app, lane.Routed, path, method, base) == flasks, (path, method, base)


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "OPTIONS", "PUT"])
def test_a_webhooks_url_is_matched_as_werkzeug_matches_it(make_app, method):
    app = make_app()
    for base in ("http://localhost", "https://ivr.example.org:8443/root", "http://Other:80"):
        for path in PATHS:
            _compare(app, path, method, base)
    kept = app.webhook_routes.values()
    assert all(rule.endpoint.startswith("voice.") for rule, _ in kept)
    assert bool(kept) == (method != "PUT")  # a webhook's 405 is werkzeug's each time


def test_any_webhook_path_is_matched_as_werkzeug_matches_it(make_app):
    app = make_app()

    @settings(max_examples=400, deadline=None)
    @given(path=st.text(alphabet=st.sampled_from("/vocie%2Fa.日 "), max_size=16).map(
        lambda tail: "/voice" + tail), method=st.sampled_from(["GET", "POST", "DELETE"]))
    def check(path, method):
        _compare(app, path, method, "http://localhost")

    check()


def test_a_views_args_are_its_own(make_app):
    """Each request gets its own copy of the values its rule took from the path."""
    app = make_app()
    first = _route(app, lane.Routed, "/voice/a/b", "POST", "http://localhost")[1]
    first["kind"] = "changed"
    assert _route(app, lane.Routed, "/voice/a/b", "POST", "http://localhost")[1] == {
        "kind": "a", "rest": "b"}
