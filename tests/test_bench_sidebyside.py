"""The side-by-side benchmark's arithmetic and the profile's parts (speed itself is printed
by ``bench/sidebyside.py`` and ``bench/profile.py``, never asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import profile
from bench.loadbench.pairs import Round, meets, ratios, summary


def test_each_ratio_is_taken_within_its_pair() -> None:
    slow_machine = (Round(1000, 10, 40, 0.5), Round(900, 11, 50, 0.6))
    quick_machine = (Round(4000, 2, 10, 0.25), Round(2000, 5, 30, 0.5))
    assert ratios(*slow_machine) == {"throughput": 0.9, "cpu": pytest.approx(0.5 / 0.6),
                                     "p99": 1.25}
    figures = summary([slow_machine, quick_machine, slow_machine])
    assert figures["throughput"] == 0.9  # the median of 0.9, 0.5, 0.9: not 2900 / 2000
    assert figures["requests_per_s"] == 900
    assert figures["p99"] == 1.25
    assert meets(figures) is True
    assert meets(summary([quick_machine])) is False


def test_each_sample_goes_to_one_part(tmp_path: Path) -> None:
    flask = "Flask.__call__ (flask/app.py:1536)"
    samples = [
        ("handle (gunicorn/workers/gthread.py:280);" + flask + ";_signed (ivr/web/voice.py:37);"
         "is_valid (ivr/web/signature.py:34);Request.form (werkzeug/wrappers/request.py:441)",
         3),
        (f"handle (gunicorn/workers/gthread.py:280);{flask};step (ivr/web/voice.py:78);"
         "_record (ivr/web/voice.py:192);append (ivr/calllog/spool.py:73)", 2),
        (f"handle (gunicorn/workers/gthread.py:280);{flask};step (ivr/web/voice.py:78)", 1),
        (f"handle (gunicorn/workers/gthread.py:280);{flask};match (werkzeug/routing/map.py:1)",
         1),
        (f"handle (gunicorn/workers/gthread.py:280);{flask};App.full_dispatch_request (ivr/"
         "__init__.py:40);Lane.dispatch (ivr/lane.py:50);make_response (flask/app.py:1)", 1),
        ("run (threading.py:1);_run (ivr/calllog/writer.py:1);Drain._run (ivr/calllog/"
         "writer.py:214);execute (sqlalchemy/engine/base.py:1)", 2),
        ("handle (gunicorn/workers/gthread.py:280);access (gunicorn/glogging.py:1)", 1),
    ]
    raw = tmp_path / "raw.txt"
    raw.write_text("".join(f"{stack} {count}\n" for stack, count in samples))
    shares = profile.shares(raw)
    assert {name: round(share * 10) for name, share in shares.items() if share} == {
        "signature check (and the form parsing it needs)": 3,
        "call log: record (redact, encode, spool append)": 2,
        "the app's views (answers, events)": 1,
        "Flask, Werkzeug": 2,
        "call log: drain thread (the database)": 2,
        profile.OTHER: 1}
