"""Every setting of the app, read once from the environment by the factory.

One registry (``SETTINGS``) feeds the factory, the README's table of
environment variables and a test that the README covers every setting.
Secrets come only from the environment, never from the repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _text(raw: str) -> str:
    return raw.strip()


def _menus_source(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"database", "folder"}:
        raise ValueError(f"expected 'database' or 'folder', got {raw!r}")
    return value


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def log_level(raw: str) -> str:
    """A level name of Python's logging, in any case: ``info`` is ``INFO``."""
    value = raw.strip().upper()
    if value not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return value


_DEFAULT_PORTS = {"http": 80, "https": 443}


def public_url(raw: str) -> str:
    """An origin and an optional path, as ``https://host[:port][/path]`` without a final '/'."""
    text = raw.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError(f"{text!r} is not a URL") from None
    if parts.scheme.lower() not in _DEFAULT_PORTS or "://" not in text:
        raise ValueError(f"{text!r} is not an http:// or https:// URL")
    if not parts.hostname:
        raise ValueError(f"{text!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{text!r} must not hold credentials")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ValueError(f"{text!r} must not have a query or a fragment")
    scheme = parts.scheme.lower()
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    host += "" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}"
    return f"{scheme}://{host}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, default, parser and meaning."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = _text
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("SECRET_KEY", None, "Signs staff session cookies and CSRF tokens. "
            "Required outside development; a random one is made per process otherwise.",
            secret=True),
    Setting("TWILIO_AUTH_TOKEN", None, "Twilio auth token: when set, every /voice "
            "request must carry a valid X-Twilio-Signature (403 otherwise).", secret=True),
    Setting("IVR_ALLOW_UNSIGNED", False, "Development only: serve /voice without "
            "TWILIO_AUTH_TOKEN. Never set this in production.", _bool),
    Setting("IVR_PROXY_HOPS", 0, "How many reverse proxies (TLS terminators) sit in "
            "front of the app; their X-Forwarded-Proto/Host/For are trusted so the "
            "signature is checked against the public https:// URL.", int),
    Setting("IVR_PUBLIC_URL", None, "The public URL of the app, as Twilio calls it "
            "(https://ivr.example.org, with a path if a proxy serves the app under one). "
            "Signatures are checked against it and absolute URLs start with it, whatever "
            "Host a request names; staff pages answer only under its host.", public_url),
    Setting("DATABASE_URL", None, "SQLAlchemy URL of the call log (postgres://, "
            "postgresql://, postgresql+psycopg:// or sqlite:///). Default: a SQLite "
            "file in the instance folder."),
    Setting("IVR_MENUS_SOURCE", "database", "Where calls' menus come from: 'database' (the "
            "newest version published by staff; the menus folder is published as version 1 "
            "on an empty database) or 'folder' (the menus folder as deployed; no browser "
            "editing).", _menus_source),
    Setting("IVR_MENUS_DIR", "menus", "Folder of the phone tree YAML files (relative "
            "to the working directory, or absolute)."),
    Setting("IVR_AUDIO_DIR", "audio", "Folder of recorded prompts, audio/<lang>/<prompt>.wav|mp3."),
    Setting("IVR_AUDIO_BASE_URL", None, "Public base URL the recordings are served "
            "from (a CDN or bucket). Default: served by the app at /audio/."),
    Setting("IVR_MENU_RELOAD_SECONDS", 5.0, "How often each worker looks for edited menu "
            "files, in a thread of its own (0 turns hot reload off).", float),
    Setting("IVR_FALLBACK_NUMBER", "+81335010110", "E.164 number the static fallback "
            "answer connects to (a 24 h line). Default: the police English line."),
    Setting("IVR_FALLBACK_CALLER_ID", None, "Caller ID for the fallback's <Dial>: a "
            "number of your Twilio account. Default: the dialled hotline number (To)."),
    Setting("IVR_MAX_REQUEST_BYTES", 32 * 1024, "Largest request body accepted; "
            "larger ones are refused with 413.", int),
    Setting("IVR_CALLER_HASH_KEY", None, "Secret key of the HMAC that stores caller "
            "numbers as a hash (repeat callers without numbers).", secret=True),
    Setting("IVR_STORE_FULL_NUMBERS", False, "Store callers' full numbers as well as "
            "the hash and masked form. Off unless the hotline decides otherwise.", _bool),
    Setting("IVR_RETENTION_DAYS", 180, "Calls older than this many days are deleted "
            "by `flask --app ivr calls purge`.", int),
    Setting("IVR_SPOOL_DIR", None, "Folder where call events wait while the database "
            "is unavailable. Default: instance/spool.", ),
    Setting("IVR_INSTANCE_DIR", None, "Folder of the local SQLite database, the spool "
            "and development secrets. Default: instance/ beside the ivr package."),
    Setting("IVR_DEV", False, "Development mode: cookies without Secure, local secret "
            "and hash keys kept in the instance folder, the /dev/phone page, `staff "
            "dev-admin`. Never in production.", _bool),
    Setting("IVR_LOG_LEVEL", "INFO", "The app's own log lines from this level up (DEBUG, "
            "INFO, WARNING, ERROR): serving, they go to gunicorn's error log (stderr by "
            "default), or to stderr under `flask run`.", log_level),
)


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings found in ``environ``, parsed, defaults filled in."""
    environ = os.environ if environ is None else environ
    return {setting.name: _read(setting, environ) for setting in SETTINGS}


def read(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """Return one setting found in ``environ``, parsed, or its default."""
    setting = next(s for s in SETTINGS if s.name == name)
    return _read(setting, os.environ if environ is None else environ)


def _read(setting: Setting, environ: Mapping[str, str]) -> Any:
    raw = environ.get(setting.name)
    if raw is None or raw.strip() == "":
        return setting.default
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {setting.name}: {exc}") from None


def database_url(url: str) -> str:
    """Accept the URL forms hosting providers hand out; use psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
