"""Fixtures shared by the tests: an app on the shipped menus, its client, a settable clock."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

import ivr

ROOT = Path(__file__).resolve().parent.parent
JST = ZoneInfo("Asia/Tokyo")
SID = "CA" + "0123456789abcdef" * 2


def jst(text: str) -> datetime:
    """'2026-11-24 12:45' as an aware Japan-time datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=JST)


class Clock:
    """A clock the test sets; the app reads it instead of the real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def clock() -> Clock:
    return Clock(jst("2026-11-24 10:00"))  # a Tuesday morning, every office open


@pytest.fixture
def make_app(tmp_path: Path, clock: Clock) -> Callable[..., Flask]:
    """Build an app on the shipped menus (or ``menus_dir``), with its state in tmp_path."""
    def make(**config: Any) -> Flask:
        settings = {"TESTING": True, "IVR_ALLOW_UNSIGNED": True,
                    "INSTANCE_PATH": str(tmp_path / "instance"),
                    "IVR_MENUS_DIR": str(ROOT / "menus"), "IVR_AUDIO_DIR": str(ROOT / "audio"),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}",
                    "IVR_SPOOL_DIR": str(tmp_path / "spool"), "IVR_MENU_RELOAD_SECONDS": 0,
                    "IVR_CALLER_HASH_KEY": "test-key", **config}
        app = ivr.create_app(settings)
        app.extensions["ivr.clock"] = clock
        return app
    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    yield app
    calllog = app.extensions.get("calllog")
    if calllog is not None and hasattr(calllog, "close"):
        calllog.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def twiml(response: Any) -> ET.Element:
    """The response's TwiML as XML, after checking it is a 200 text/xml answer."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def post(client: FlaskClient, url: str, **params: str) -> Any:
    """POST ``params`` to ``url`` as Twilio does, for the test call."""
    form = {"CallSid": SID, "From": "+819012345678", "To": "+815000000000", **params}
    return client.post(url, data=form)


def says(element: ET.Element) -> list[tuple[str, str]]:
    """Every <Say> under ``element`` as (language, text), in order."""
    return [(say.get("language", ""), "".join(say.itertext()).strip())
            for say in element.iter("Say")]
