"""The webhooks of a real call, and the pure arithmetic of the side-by-side benchmark.

``bench/sidebyside.py`` loads one webhook at a time: the eight a real call
makes (incoming call, language choice, a menu choice, a connect with its
``<Dial>``, the dial's action callback, a closed service's offer, a told
number, the status callback). They are recorded here through the simulator
on the benchmark's own copy of the menus, in which IOM is closed today (a
closure in its calendar), so a closed service's offer is there at any hour.
Ratios are computed pair by pair: each app round against the baseline round
just before it.
"""

from __future__ import annotations

import re
import shutil
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import ivr
from bench.loadbench.pool import Webhook
from ivr.web import simulator

# name -> (keys of the call that makes it, index of the webhook in that call)
WEBHOOKS = {
    "incoming call": (["1", "1"], 0),
    "language choice": (["1", "1"], 1),
    "menu choice": (["1", "3"], 2),          # main menu, 3: the legal menu
    "connect <Dial>": (["1", "1"], 2),       # main menu, 1: the police line, never closed
    "dial action": (["1", "1"], 3),          # the dial completed
    "closed-service offer": (["1", "4"], 2),  # main menu, 4: IOM, closed today (bench closure)
    "told number": (["1", "5", "1"], 3),     # info menu, 1: the police line's number
    "status callback": (["1", "1"], -1),
}
TARGETS = {"throughput": 0.8, "cpu": 0.8, "p99": 1.5}


def bench_menus(root: Path, folder: Path, today: date) -> tuple[Path, Path]:
    """Copy the menus and audio folders of ``root`` into ``folder``, with IOM closed on
    ``today`` (Japan date); return both copies. A language without a voice gets a
    recording of the closure's reason (a copy of another one)."""
    dest, audio = folder / "menus", folder / "audio"
    shutil.copytree(root / "menus", dest)
    shutil.copytree(root / "audio", audio)
    for language in audio.iterdir():
        if (language / "closed.1.wav").exists():
            shutil.copy(language / "closed.1.wav", language / "closure.iom-holidays.1.wav")
    languages = sorted(path.stem for path in (dest / "languages").glob("*.yaml"))
    reasons = "".join(f"          {code}: a benchmark closure\n" for code in languages)
    closure = f"    closures:\n      - date: {today.isoformat()}\n        reason:\n{reasons}"
    calendars = dest / "calendars.yaml"
    text, count = re.subn(r"^    closures: \[\]\n", closure, calendars.read_text(), count=1,
                          flags=re.M)
    if count != 1:
        raise RuntimeError(f"no empty 'closures' in {calendars}: cannot close IOM today")
    calendars.write_text(text)
    return dest, audio


def record(menus_dir: Path, audio_dir: Path, tmp: Path) -> dict[str, tuple[Webhook, bytes]]:
    """Play the calls in-process on ``menus_dir``; return each named webhook and its answer.

    URLs are under ``simulator.BASE``: ``rebase`` them to the server's.
    """
    app = ivr.create_app({"TESTING": True, "INSTANCE_PATH": str(tmp),
                          "DATABASE_URL": f"sqlite:///{tmp / 'record.sqlite3'}",
                          "IVR_MENUS_DIR": str(menus_dir), "IVR_AUDIO_DIR": str(audio_dir),
                          "IVR_ALLOW_UNSIGNED": True, "TWILIO_AUTH_TOKEN": None})
    client = app.test_client()
    calls: dict[tuple[str, ...], list[tuple[Webhook, bytes]]] = {}
    try:
        for keys, _ in WEBHOOKS.values():
            if tuple(keys) in calls:
                continue
            sent: list[tuple[Webhook, bytes]] = []

            def post(url: str, form: dict[str, str], sent=sent) -> tuple[int, bytes]:
                response = client.post(url, data=form, base_url=simulator.BASE.rstrip("/"))
                sent.append((Webhook(url, dict(form)), response.data))
                return response.status_code, response.data

            lines = simulator.play(post, simulator.Call(at=None, keys=list(keys)),  # type: ignore[arg-type]
                                   simulator.BASE)
            if any(line.startswith("! HTTP") for line in lines):
                raise RuntimeError("a recorded call failed: " + "; ".join(lines))
            calls[tuple(keys)] = sent
    finally:
        app.extensions["calllog"].close()
    found = {name: calls[tuple(keys)][index] for name, (keys, index) in WEBHOOKS.items()}
    check(found)
    return found


def check(found: dict[str, tuple[Webhook, bytes]]) -> None:
    """Each recorded webhook is the one its name says (so a menu edit cannot mislabel them)."""
    def verbs(body: bytes) -> list[str]:
        return [element.tag for element in ET.fromstring(body).iter()]

    expect = {"incoming call": ("/voice", "Gather"), "language choice": ("/voice/language",
              "Gather"), "menu choice": ("/voice/menu", "Gather"),
              "connect <Dial>": ("/voice/menu", "Dial"), "dial action": ("/voice/dialled", None),
              "closed-service offer": ("/voice/menu", "Gather"),
              "told number": ("/voice/menu", None), "status callback": ("/voice/status", None)}
    for name, (path, verb) in expect.items():
        hook, body = found[name]
        if hook.path != path or (verb is not None and verb not in verbs(body)):
            raise RuntimeError(f"the recorded '{name}' is {hook.path} answering {verbs(body)}")
    if "Dial" in verbs(found["closed-service offer"][1]):
        raise RuntimeError("IOM is not closed in the benchmark's menus: no offer to measure")


def rebase(hook: Webhook, base: str) -> Webhook:
    """The same webhook under ``base`` (the server's http://127.0.0.1:PORT/)."""
    parts = urlsplit(hook.url)
    return Webhook(base.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else ""),
                   hook.form)


@dataclass(frozen=True)
class Round:
    """One wrk round against one server."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # server CPU (master and workers) per request, the call log's included
    errors: int = 0


def ratios(baseline: Round, app: Round) -> dict[str, float]:
    """Throughput and CPU efficiency relative to the baseline (higher is better), p99 ratio."""
    return {"throughput": app.requests_per_s / baseline.requests_per_s,
            "cpu": baseline.cpu_ms / app.cpu_ms if app.cpu_ms else float("inf"),
            "p99": app.p99_ms / baseline.p99_ms if baseline.p99_ms else float("inf")}


def summary(pairs: list[tuple[Round, Round]]) -> dict[str, float]:
    """Medians over the pairs of one webhook: the app's figures and its ratios."""
    each = [ratios(b, a) for b, a in pairs]
    apps = [a for _, a in pairs]
    return {"requests_per_s": statistics.median(a.requests_per_s for a in apps),
            "p50_ms": statistics.median(a.p50_ms for a in apps),
            "p99_ms": statistics.median(a.p99_ms for a in apps),
            "cpu_ms": statistics.median(a.cpu_ms for a in apps),
            "errors": sum(a.errors for a in apps),
            **{k: statistics.median(r[k] for r in each) for k in TARGETS}}


def meets(figures: dict[str, float]) -> bool:
    return (figures["throughput"] >= TARGETS["throughput"] and figures["cpu"] >= TARGETS["cpu"]
            and figures["p99"] <= TARGETS["p99"])
