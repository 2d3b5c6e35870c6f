"""The load benchmark's requests are what Twilio would send, and its counting reads our log.

``bench/load.py`` only means something if every request it replays passes
the app's signature check (a 403 is not a webhook answered), if each call
has its own CallSid, and if it can count the answers in the access log as
gunicorn.conf.py formats it. Speed itself is measured by the benchmark.
"""

from __future__ import annotations

import runpy
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qsl

from conftest import ROOT

import ivr
from bench.loadbench import pool
from bench.loadbench.server import ACCESS, procfile_command

TOKEN = "bench-test-token"
BASE = "http://127.0.0.1:8000/"


def test_every_pooled_request_passes_the_signature_check(tmp_path: Path) -> None:
    template = pool.record_call(BASE, ["1", "1"], tmp_path / "template")
    assert [hook.path for hook in template] == [
        "/voice", "/voice/language", "/voice/menu", "/voice/dialled", "/voice/status"]
    pool.write_pool(tmp_path / "pool", template, TOKEN, calls=5, threads=2, block=2,
                    run="0badcafe")
    files = [(tmp_path / "pool" / f"pool-{k}.txt").read_text().splitlines() for k in (0, 1)]
    assert [len(lines) for lines in files] == [15, 10]  # blocks 0 and 2, then block 1
    app = ivr.create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "app"),
                          "TWILIO_AUTH_TOKEN": TOKEN})
    client = app.test_client()
    sids = []
    for line in files[0] + files[1]:
        target, body, signature = line.split("\t")
        form = dict(parse_qsl(body))
        sids.append(form["CallSid"])
        response = client.post(target, data=form, headers={"X-Twilio-Signature": signature},
                               base_url=BASE.rstrip("/"))
        assert response.status_code == 200, target
        assert ET.fromstring(response.data).tag == "Response"
        tampered = {**form, "Digits": "9"}
        assert client.post(target, data=tampered, headers={"X-Twilio-Signature": signature},
                           base_url=BASE.rstrip("/")).status_code == 403
    app.extensions["calllog"].close()
    assert sids[:2] == [pool.call_sid("0badcafe", 0), pool.call_sid("0badcafe", 1)]
    assert len(set(sids)) == 5 and all(len(sid) == 34 for sid in sids)


def test_the_access_log_is_counted_as_gunicorn_conf_formats_it() -> None:
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    line = conf["access_log_format"] % {"h": "127.0.0.1", "m": "POST", "U": "/voice/menu",
                                        "s": "200", "B": "312", "M": "4"}
    found = ACCESS.match(line.encode() + b"\n")
    assert (found["path"], found["status"]) == (b"/voice/menu", b"200")


def test_the_server_is_started_with_the_procfiles_command() -> None:
    assert procfile_command() == ["gunicorn", "--config", "gunicorn.conf.py", "ivr:create_app()"]
    assert procfile_command("loadbench.bare:app")[-1] == "loadbench.bare:app"
