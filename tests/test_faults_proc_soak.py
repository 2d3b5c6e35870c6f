"""A short soak through gunicorn (bench/soak.py, 20 s): no descriptor leaks, every event stored.

The soak itself (minutes, with memory figures) is run by hand; this runs the
same code for 20 seconds at 10 calls a second (50 webhooks a second) and
checks what can be checked without timing: every webhook answered, every
event its answer made stored once, and no worker holding more descriptors
at the end than after its first seconds. Memory is only printed.
"""

from __future__ import annotations

import logging

import pytest
from conftest import AUDIO, MENUS

from bench import soak

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_short_soak_leaks_no_descriptor_and_stores_every_event(monkeypatch):
    monkeypatch.setenv("IVR_MENUS_DIR", str(MENUS))  # the fixture tree, for server and template
    monkeypatch.setenv("IVR_AUDIO_DIR", str(AUDIO))
    level = logging.getLogger("ivr").level
    result = soak.soak(minutes=1 / 3, rate=10, clients=4, every=1)
    assert logging.getLogger("ivr").level == level  # later tests' caplog must see INFO
    print(soak.report(result, warmup=5))
    webhooks = sum(result.statuses.values())
    assert result.statuses == {200: webhooks} and webhooks >= 5 * 10 * 5
    assert result.stored == result.stored_later == result.expected > webhooks
    workers = [s for s in result.series.values() if s.role == "worker"]
    assert len(workers) == 4 and result.restarts == 0
    for series in workers:
        figures = soak.growth(series, warmup=5)
        assert figures["samples"] >= 10
        assert figures["fds_end"] <= figures["fds_start"] + 2, series
