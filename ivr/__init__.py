"""The hotline IVR: a Flask app that Twilio calls for every step of a call.

This module is the app factory: it wires the packages together (``live``,
``web``, ``calllog``, ``staff``) and may import any of them; ``config`` is
the registry of settings and ``cli`` the command line. The packages' own
import rules are in their docstrings and in ``pyproject.toml``.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app
from flask.globals import request_ctx

from ivr import config as settings
from ivr import lane, logs

log = logging.getLogger(__name__)


class App(Flask):
    """Flask, remembering which views and request hooks are plain functions: Flask's
    ``ensure_sync`` asks ``inspect.iscoroutinefunction`` of each, for every request (ten
    times a webhook). An ``async def`` one is wrapped by Flask each time, as before.
    And the webhooks' lane (``ivr.lane``): their URLs matched once, their hooks called
    directly."""

    MAX_PLAIN = 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain: dict[Any, Any] = {}  # each plain function, by itself
        self.webhook_lane: lane.Lane | None = None  # the app factory plans it
        self.webhook_routes: dict[Any, Any] | None = {}  # lane.Routed: None, not kept

    def request_context(self, environ: dict[str, Any]) -> lane.Routed:
        """Flask's request context, a webhook's URL matched once (``lane.Routed``)."""
        return lane.Routed(self, environ)

    def full_dispatch_request(self) -> Response:
        """A webhook takes its lane (``ivr.lane``) while the app's hooks are as planned;
        anything else Flask's way."""
        webhooks = self.webhook_lane
        if webhooks is not None:
            ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
            if webhooks.fits(self, ctx):
                return webhooks.dispatch(self, ctx)
        return super().full_dispatch_request()

    def ensure_sync(self, func: Any) -> Any:
        try:
            if self._plain.get(func) is func:  # that very object, not one equal to it
                return func
        except TypeError:  # not hashable: ask Flask every time
            return super().ensure_sync(func)
        made = super().ensure_sync(func)
        if made is func and len(self._plain) < self.MAX_PLAIN:
            self._plain[func] = func
        return made


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then ``test_config``."""
    overrides = dict(test_config or {})
    instance = overrides.pop("INSTANCE_PATH", None) or os.environ.get("IVR_INSTANCE_DIR") or None
    app = App(__name__, instance_relative_config=True,
              instance_path=os.path.abspath(instance) if instance else None)
    app.url_map.strict_slashes = False  # never answer Twilio with a 308 redirect,
    app.url_map.merge_slashes = False   # nor for '//' in a path (its Location names the Host)
    app.config.update(settings.from_environ())
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    _finish_config(app)
    if _served_by_flask_run():  # gunicorn: gunicorn.conf.py's logger class does it
        logs.to_stderr(app.config["IVR_LOG_LEVEL"])

    from ivr import calllog, cli, staff
    from ivr.web import audio, devphone, health, origin, voice, webrequest

    app.request_class = webrequest.WebRequest  # a webhook's form parsed directly
    app.before_request(_warn_once)
    origin.init_app(app)

    app.extensions.setdefault("ivr.clock", lambda: datetime.now(UTC))
    app.extensions["ivr.app_factory"] = create_app  # the dev phone makes a second app
    calllog.init_app(app)
    app.extensions["ivr.menus"] = _menus(app)
    voice.init_app(app)
    app.register_blueprint(audio.bp)
    app.register_blueprint(health.bp)
    devphone.init_app(app)
    staff.init_app(app)
    app.extensions["csrf"].exempt(voice.bp)  # Twilio signs its requests instead
    cli.init_app(app)
    app.webhook_lane = lane.plan(app, _quiet_for_webhooks(app))
    return app


def _quiet_for_webhooks(app: Flask) -> set[Any]:
    """The app-wide request hooks that do nothing for a webhook (``ivr.lane``), each only
    while what makes it so holds."""
    from ivr.staff import layout
    from ivr.web import origin, voice

    quiet: set[Any] = set()
    if voice.bp.name in origin.ANY_HOST:  # the webhooks take any Host
        quiet.add(origin._known_host)
    rules = [rule.rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith(voice.bp.name + ".")]
    if rules and not any(layout.is_staff_path(rule) for rule in rules):
        quiet.add(layout._secured)  # it adds headers under /staff only
    csrf = app.extensions.get("csrf")
    exempt = getattr(csrf, "_exempt_blueprints", ())  # as Flask-WTF's _is_exempt asks
    if app.blueprints.get(voice.bp.name) in exempt:
        quiet.update(hook for hook in app.before_request_funcs.get(None, ())
                     if getattr(hook, "__qualname__", "") == "CSRFProtect.init_app.<locals>"
                     ".csrf_protect" and getattr(hook, "__module__", "") == "flask_wtf.csrf")
    return quiet


def _menus(app: Flask) -> Any:
    """The live tree: published versions (or the menus folder), notices and recordings;
    and the uploaded recordings' reader for the audio route."""
    from ivr.db import database
    from ivr.live.menus import SNAPSHOT_FILE, Menus
    from ivr.live.snapshot import Snapshot
    from ivr.live.sources import FolderSource
    from ivr.menustore.served import Served
    from ivr.menustore.source import StoreSource

    config = app.config
    folder = FolderSource(os.path.abspath(config["IVR_MENUS_DIR"]),
                          os.path.abspath(config["IVR_AUDIO_DIR"]))
    engine = database.ProcessEngine(config["DATABASE_URL"])
    app.extensions["ivr.menus_engine"] = engine
    app.extensions["ivr.recordings"] = Served(engine)  # what /audio/ serves from the database
    source = StoreSource(engine, folder,
                         versions=config["IVR_MENUS_SOURCE"] == "database",
                         clock=lambda: app.extensions["ivr.clock"]())
    menus = Menus(source, float(config["IVR_MENU_RELOAD_SECONDS"]),
                  Snapshot(os.path.join(app.instance_path, SNAPSHOT_FILE)), fallback=folder)
    menus.load()  # in gunicorn's master (preload_app): workers start with this tree
    engine.dispose()  # no pooled connection may cross a fork
    return menus


def _finish_config(app: Flask) -> None:
    """Derive the settings that depend on others; note the unsafe ones for the log."""
    config = app.config
    warnings = app.extensions.setdefault("ivr.config_warnings", [])
    config["MAX_CONTENT_LENGTH"] = config["IVR_MAX_REQUEST_BYTES"]
    if not config.get("SECRET_KEY"):
        if config["IVR_DEV"]:
            config["SECRET_KEY"] = _dev_secret(app.instance_path, "dev-secret-key")
        else:
            if not config.get("TESTING"):
                warnings.append("SECRET_KEY is not set: staff sessions end when the process "
                                "restarts")
            config["SECRET_KEY"] = secrets.token_hex(32)
    if config["IVR_DEV"] and not config.get("IVR_CALLER_HASH_KEY"):
        config["IVR_CALLER_HASH_KEY"] = _dev_secret(app.instance_path, "dev-caller-hash-key")
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "ivr.sqlite3")
    config["DATABASE_URL"] = settings.database_url(config["DATABASE_URL"])
    if not config.get("IVR_SPOOL_DIR"):
        config["IVR_SPOOL_DIR"] = os.path.join(app.instance_path, "spool")
    if config["IVR_PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = config["IVR_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)
    if not config["TWILIO_AUTH_TOKEN"] and not config["IVR_ALLOW_UNSIGNED"]:
        warnings.append("TWILIO_AUTH_TOKEN is not set and IVR_ALLOW_UNSIGNED is off: "
                        "calls are refused (403) except the static fallback answer")


def _dev_secret(instance_path: str, name: str) -> str:
    """A development secret kept in the instance folder, so it survives a restart."""
    path = os.path.join(instance_path, name)
    if not os.path.exists(path):
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()


def _served_by_flask_run() -> bool:
    """Whether this process is ``flask run`` (``scripts/dev``), which serves the app."""
    import click
    from flask.cli import run_command

    context = click.get_current_context(silent=True)
    return context is not None and context.command is run_command


def _warn_once() -> None:
    """Log the configuration warnings once per process, when it starts serving."""
    extensions = current_app.extensions
    if extensions["ivr.config_warnings"]:  # after the first request: nothing (no import)
        for warning in extensions["ivr.config_warnings"]:
            log.warning("%s", warning)
        extensions["ivr.config_warnings"] = []
