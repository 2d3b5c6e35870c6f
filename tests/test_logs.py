"""The app's own log lines reach the operator: gunicorn's error log, or stderr under flask run.

A real gunicorn (the Procfile's ``web:`` line, two workers, ``preload_app``)
writes "menus: serving version ..." once, in the master that loaded the
menus, with the time, process and level as gunicorn writes its own lines;
after an edit, once in each worker that loaded it. ``IVR_LOG_LEVEL`` sets
the level of the app's lines. In tests and commands nothing is set up:
records reach the root logger, where pytest's ``caplog`` sees them.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import AUDIO, MENUS, ROOT
from faults_support import new_call, send, start, wait_for, workers

import ivr
from bench.faultsbench.hotline import LINE, said
from bench.loadbench.server import free_port
from ivr import config
from ivr.phonetree import loader
from ivr.phonetree.bundle import read_folder

SECRET_KEY_UNSET = "SECRET_KEY is not set: staff sessions end when the process restarts"


def version(menus: Path) -> str:
    return loader.load_bundle(read_folder(str(menus), str(AUDIO))).tree.version[:12]


def serving(text: str, menus_version: str) -> list:
    return [line for line in said(text)
            if line.message == f"menus: serving version {menus_version} (from the source)"]


@pytest.mark.e2e
def test_gunicorn_logs_the_menus_served_once_per_process_that_loaded_them(tmp_path):
    menus = tmp_path / "menus"
    shutil.copytree(MENUS, menus)
    first = version(menus)
    server = start(tmp_path / "state", IVR_MENUS_SOURCE="folder", IVR_MENUS_DIR=str(menus),
                   IVR_MENU_RELOAD_SECONDS="0.2")
    try:
        master, forked = server.process.pid, set(workers(server))
        assert send(server.port, "/voice", new_call("CA" + "1" * 32)).status == 200
        text = (menus / "main.yaml").read_text(encoding="utf-8")
        (menus / "main.new").write_text(text.replace(
            "Please choose what you need.", "Please choose what you need, now."),
            encoding="utf-8")
        os.replace(menus / "main.new", menus / "main.yaml")  # as an editor saves
        second = version(menus)
        log = lambda: server.log.read_text(errors="replace")  # noqa: E731
        wait_for(lambda: len(serving(log(), second)) >= 2, "both workers loading the edit")
        assert set(workers(server)) == forked  # the same workers all along
    finally:
        server.stop()
    log = server.log.read_text(errors="replace")
    loaded = serving(log, first)
    assert [(line.pid, line.level) for line in loaded] == [(master, "INFO")]  # preload_app
    assert sorted(line.pid for line in serving(log, second)) == sorted(forked)
    line = next(line for line in log.splitlines()
                if line.endswith(f"menus: serving version {first} (from the source)"))
    assert LINE.fullmatch(line), line  # [2026-12-02 13:09:08 +0000] [4242] [INFO] menus: ...
    booting = next(line for line in said(log) if line.message.startswith("Booting worker"))
    assert booting.level == "INFO"  # gunicorn's own lines have the same form
    assert "9012345678" not in log  # the caller's number, never


@pytest.mark.e2e
def test_ivr_log_level_sets_the_level_of_the_apps_lines(tmp_path):
    server = start(tmp_path, IVR_LOG_LEVEL="warning", SECRET_KEY="")
    try:
        assert send(server.port, "/voice", new_call("CA" + "2" * 32)).status == 200
        wait_for(lambda: any(line.message == SECRET_KEY_UNSET
                             for line in said(server.log.read_text(errors="replace"))),
                 "the warning of the worker that answered")
    finally:
        server.stop()
    lines = said(server.log.read_text(errors="replace"))
    warned = [line for line in lines if line.message == SECRET_KEY_UNSET]
    assert {line.level for line in warned} == {"WARNING"}
    assert len(warned) == len({line.pid for line in warned})  # once per process that served
    assert [line for line in lines if line.message.startswith("menus:")] == []  # INFO: not
    assert any(line.message.startswith("Booting worker") for line in lines)  # gunicorn's: yes


@pytest.mark.e2e
def test_gunicorn_refuses_to_start_with_an_unknown_level(tmp_path):
    server = _procfile_gunicorn(tmp_path, IVR_LOG_LEVEL="chatty")
    output = server.communicate(timeout=60)[0]
    assert server.returncode != 0
    assert ("environment variable IVR_LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR, "
            "CRITICAL, got 'chatty'") in output


def _procfile_gunicorn(folder: Path, **settings: str) -> subprocess.Popen[str]:
    from bench.loadbench.server import procfile_command

    env = {**os.environ, "IVR_INSTANCE_DIR": str(folder), "IVR_MENUS_DIR": str(MENUS),
           "IVR_AUDIO_DIR": str(AUDIO), "WEB_CONCURRENCY": "1", **settings}
    command = [sys.executable, "-m", *procfile_command(), "--bind", f"127.0.0.1:{free_port()}"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


RELOADED = """
import logging, runpy
from gunicorn.config import Config
logger = runpy.run_path("gunicorn.conf.py")["Logger"](Config())
logger.setup(Config())  # what a HUP does
logging.getLogger("ivr.live.menus").info("menus: once")
logging.getLogger("ivr.calllog.writer").debug("call log: not at INFO")
"""


def test_gunicorn_setting_its_logging_up_again_does_not_double_the_apps_lines():
    done = subprocess.run([sys.executable, "-c", RELOADED], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True,
                          env={**os.environ, "IVR_LOG_LEVEL": "INFO"})
    lines = said(done.stderr)
    assert [(line.level, line.message) for line in lines] == [("INFO", "menus: once")]


@pytest.mark.e2e
def test_flask_run_logs_the_menus_served_on_stderr(tmp_path):
    port = free_port()
    env = {**os.environ, "IVR_INSTANCE_DIR": str(tmp_path), "IVR_MENUS_DIR": str(MENUS),
           "IVR_AUDIO_DIR": str(AUDIO), "IVR_DEV": "1", "IVR_ALLOW_UNSIGNED": "1",
           "IVR_MENUS_SOURCE": "folder"}
    with open(tmp_path / "stderr", "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "ivr", "run", "--host", "127.0.0.1",
             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz") or process.poll(),
                 "flask run answering", timeout=60)
    finally:
        process.terminate()
        process.wait(30)
    text = (tmp_path / "stderr").read_text(errors="replace")
    loaded = serving(text, version(MENUS))
    assert [(line.pid, line.level) for line in loaded] == [(process.pid, "INFO")], text


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_in_tests_and_commands_records_reach_the_root_logger(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="ivr"):
        app = ivr.create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                              "IVR_MENUS_SOURCE": "folder", "IVR_MENUS_DIR": str(MENUS),
                              "IVR_AUDIO_DIR": str(AUDIO)})
    app.extensions["calllog"].close()
    assert f"menus: serving version {version(MENUS)} (from the source)" in caplog.messages
    assert logging.getLogger("ivr").handlers == []
    assert logging.getLogger("ivr").propagate


@pytest.mark.parametrize(("raw", "level"), [("", "INFO"), ("debug", "DEBUG"),
                                            (" Warning ", "WARNING"), ("ERROR", "ERROR")])
def test_the_level_setting(raw, level):
    assert config.read("IVR_LOG_LEVEL", {"IVR_LOG_LEVEL": raw}) == level
    assert config.from_environ({"IVR_LOG_LEVEL": raw})["IVR_LOG_LEVEL"] == level


def test_an_unknown_level_is_refused_with_its_name():
    with pytest.raises(ValueError, match=r"^environment variable IVR_LOG_LEVEL: expected one of "
                                         r"DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'verbose'$"):
        config.read("IVR_LOG_LEVEL", {"IVR_LOG_LEVEL": "verbose"})
