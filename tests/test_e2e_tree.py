"""Several real gunicorn workers serve one tree: after a good edit and a broken one, and
while workers recycle during the broken one, every answer names the same last good version."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import AUDIO, MENUS, ROOT
from test_e2e_gunicorn import TOKEN, free_port

from ivr.phonetree.bundle import read_folder
from ivr.web import simulator

pytestmark = pytest.mark.e2e
FORM = {"CallSid": "CA" + "7" * 32, "From": "+819012345678", "To": "+815000000000"}


def healthz(base: str) -> dict:
    with urllib.request.urlopen(base + "healthz", timeout=5) as response:
        return json.load(response)


def signed_tree(base: str) -> str:
    """The X-IVR-Tree header of a signed incoming-call webhook (a new connection each time)."""
    url = base + "voice"
    request = urllib.request.Request(url, data=urlencode(FORM).encode(), method="POST",
                                     headers=simulator.sign(TOKEN, url, FORM))
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        return response.headers["X-IVR-Tree"]


@pytest.fixture
def workers(tmp_path: Path):
    """Three workers recycled every 15 requests, watching a menus folder of their own."""
    menus = tmp_path / "menus"
    shutil.copytree(MENUS, menus)
    port = free_port()
    env = {**os.environ, "PORT": str(port), "TWILIO_AUTH_TOKEN": TOKEN,
           "IVR_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}",
           "IVR_CALLER_HASH_KEY": "e2e-key", "SECRET_KEY": "e2e-secret", "WEB_CONCURRENCY": "3",
           "IVR_MENUS_DIR": str(menus), "IVR_MENU_RELOAD_SECONDS": "0.2",
           "IVR_MENUS_SOURCE": "folder", "IVR_AUDIO_DIR": str(AUDIO)}
    env.pop("IVR_ALLOW_UNSIGNED", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind",
             f"127.0.0.1:{port}", "--max-requests", "15", "--max-requests-jitter", "5",
             "ivr:create_app()"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if healthz(base)["status"] == "ok":
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text(errors="replace")) from None
                time.sleep(0.2)
        yield base, menus, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_all_workers_converge_on_the_last_good_tree_and_recycled_ones_too(workers):
    base, menus, log = workers
    main = menus / "main.yaml"
    good = main.read_text(encoding="utf-8")
    main.write_text(good.replace("Please choose what you need.", "What do you need?"),
                    encoding="utf-8")
    second = read_folder(str(menus), str(AUDIO)).version[:12]
    deadline = time.monotonic() + 10
    while healthz(base)["menus"] != second:  # one worker has it (and has kept its snapshot)
        assert time.monotonic() < deadline, "no worker picked up the edit"
    main.write_text(good.replace("menu: legal", "menu: legl"), encoding="utf-8")
    time.sleep(1.0)  # five reload intervals

    seen = {signed_tree(base) for _ in range(60)}  # 60 requests: every worker recycles
    states = {(h["status"], h["menus"], h["serving"]) for h in (healthz(base) for _ in range(20))}
    assert seen == {second}
    assert states == {("degraded", second, "last good menus")}
    text = log.read_text(errors="replace")
    assert text.count("Booting worker") > 3  # workers were recycled during the bad edit
    assert "menus/main.yaml:35: error: menu 'main', option '3': goes to menu 'legl'" in text
