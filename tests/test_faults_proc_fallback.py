"""Menus and database both unavailable: a real gunicorn still gives callers useful TwiML.

The menus folder holds a broken file, no snapshot of a last good tree exists
(a fresh instance folder) and the database cannot be reached: PostgreSQL
refusing connections (menus from the database, the default), or a SQLite file
that cannot be opened (menus from the database, or from the folder). The
number's fallback URL, and the call webhook itself, must answer the static
fallback: the 110 advice in three languages, a connection to the 24 h police
English line, the advice again, hang up. ``/healthz`` says why.
"""

from __future__ import annotations

import json
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from conftest import break_main_menu
from faults_support import HOTLINE, new_call, send, start, wait_stored

pytestmark = pytest.mark.e2e
POLICE = "+81335010110"  # IVR_FALLBACK_NUMBER's default
SAY = [("en-US", "Polly.Joanna"), ("ja-JP", "Polly.Mizuki"),
       ("fil-PH", "Google.fil-PH-Standard-A")]


def unreachable(kind: str, tmp_path) -> dict[str, str]:
    if kind == "postgresql":  # nothing listens on port 1 of loopback: connection refused
        return {"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/test"}
    (tmp_path / "not-a-folder").write_text("a file where the database's folder should be\n")
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'not-a-folder' / 'ivr.sqlite3'}"}


def assert_fallback(body: bytes) -> None:
    """The exact verbs and attributes of the static fallback answer (ivr.web.fallback)."""
    root = ET.fromstring(body)
    assert [child.tag for child in root] == ["Say"] * 3 + ["Dial"] + ["Say"] * 3 + ["Hangup"]
    says = [child for child in root if child.tag == "Say"]
    assert [(say.get("language"), say.get("voice")) for say in says] == SAY + SAY
    assert "dial 1 1 0 for the police" in says[0].text
    assert "110番" in says[1].text and "tumawag sa 1 1 0" in says[2].text
    assert says[3].text == "If no one answered, please hang up and dial 1 1 0. Goodbye."
    dial = root[3]
    assert dial.attrib == {"timeout": "30", "callerId": HOTLINE}
    assert [(number.tag, number.text) for number in dial] == [("Number", POLICE)]


@pytest.mark.parametrize(("source", "database"), [
    ("database", "postgresql"), ("database", "sqlite"), ("folder", "sqlite")])
def test_the_fallback_answers_without_menus_and_database(tmp_path, menus_copy, source,
                                                         database):
    menus = menus_copy
    break_main_menu(menus)
    server = start(tmp_path / "instance", IVR_MENUS_SOURCE=source, IVR_MENUS_DIR=str(menus),
                   **unreachable(database, tmp_path))
    try:
        fallback = send(server.port, "/voice/fallback", {
            **new_call("CA" + "f" * 32), "ErrorCode": "11200",
            "ErrorUrl": "https://ivr.example.org/voice?From=%2B819012345678"})
        incoming = send(server.port, "/voice", new_call("CA" + "a" * 32))
        menu = send(server.port, "/voice/menu?h=main&l=en&t=main&n=3",
                    {**new_call("CA" + "a" * 32), "Digits": "4"})
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz") as response:
            health = json.load(response)
    finally:
        server.stop()
    for answer in (fallback, incoming, menu):
        assert (answer.status, answer.tree) == (200, "none")
        assert_fallback(answer.body)
    assert health["status"] == "degraded"
    assert (health["serving"], health["menus"]) == ("fallback", None)
    assert health["first_error"] == {
        "file": "menus/main.yaml", "line": 35,
        "message": "menu 'main', option '3': goes to menu 'legl', which does not exist "
                   "(did you mean 'legal'?)"}
    assert health["source_error"].startswith("the database cannot be reached")
    text = server.log.read_text(errors="replace")
    assert "menus/main.yaml:35: error: menu 'main', option '3'" in text
    assert "819012345678" not in text


def test_the_fallbacks_call_records_wait_for_the_database(tmp_path):
    """The fallback's event, kept in the spool while SQLite could not be opened, is stored
    once by the next start when the database can be opened again."""
    blocked = unreachable("sqlite", tmp_path)
    server = start(tmp_path / "instance", IVR_MENUS_SOURCE="folder", **blocked)
    try:
        answers = [send(server.port, "/voice/fallback", new_call(f"CA{n:032x}"))
                   for n in range(5)]
    finally:
        server.stop()
    assert {(a.status, a.tree) for a in answers} == {(200, "none")}
    assert list((tmp_path / "instance" / "spool").glob("*.jsonl"))  # the events wait there
    assert "call log: the database did not take every event (down, or not within 5 s); the " \
           "rest stay in the spool for the next start" in server.log.read_text()
    (tmp_path / "not-a-folder").unlink()
    (tmp_path / "not-a-folder").mkdir()
    again = start(tmp_path / "instance", IVR_MENUS_SOURCE="folder", **blocked)
    url = blocked["DATABASE_URL"]
    try:
        log = wait_stored(url, lambda log: len(log.per_call) == 5)
    finally:
        again.stop()
    assert log.per_call == {f"CA{n:032x}": 1 for n in range(5)}
    assert log.events == log.uids == 5
    assert list((tmp_path / "instance" / "spool").glob("*.jsonl")) == []
