"""Fixtures of the staff pages' tests: apps on a fresh database, logged-in clients, calls.

The databases (``database_url``: a SQLite file, or a fresh PostgreSQL schema;
skipped when PostgreSQL is unreachable, except in CI) come from
tests/conftest.py. Passwords are hashed with argon2's cheapest parameters
here, for speed, except in the tests of the real parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from flask import Flask
from flask.testing import FlaskClient

from ivr.db import database

from .staff_support import PASSWORD, add_user, five_calls, log_in

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)


@pytest.fixture
def staff_app(make_app: Callable[..., Flask], database_url: str) -> Callable[..., Flask]:
    """Return a factory of apps on the test database, migrated (make_app closes them)."""
    def make(**config: Any) -> Flask:
        app = make_app(DATABASE_URL=database_url, **config)
        database.upgrade(app.extensions["calllog"].engine)  # PostgreSQL is not auto-upgraded
        app.extensions["ivr.staff"].hasher = CHEAP
        return app

    return make


@pytest.fixture
def app(staff_app: Callable[..., Flask]) -> Flask:
    return staff_app()


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    """A client logged in as the admin 'alice'."""
    add_user(app, "alice", "admin")
    client = app.test_client()
    assert log_in(client, "alice", PASSWORD).status_code == 302
    return client


@pytest.fixture
def viewer_client(app: Flask) -> FlaskClient:
    """A client logged in as the viewer 'victor'."""
    add_user(app, "victor", "viewer")
    client = app.test_client()
    assert log_in(client, "victor", PASSWORD).status_code == 302
    return client


@pytest.fixture
def logged(app: Flask) -> Flask:
    """The app with five calls logged (see ``staff_support.five_calls``)."""
    five_calls(app)
    return app
