"""Scenarios run by test_cleanup.py in a child pytest (never collected on their own: no test_ prefix).

They use the root conftest's ``site`` fixture with ``--oe-backend docker``, exactly as the features do.
OEDR_CHILD_READY names a file written once the hosts exist (the parent then interrupts the child).
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.openedge.waiting import poll_until
from harness.site import Site


def _hosts_up(site: Site) -> None:
    site.host("production").run("hostname")
    site.host("dr").run("hostname")
    ready = os.environ.get("OEDR_CHILD_READY")
    if ready:
        Path(ready).write_text(os.environ.get("OEDR_CHILD_READY", ""))


def test_a_failing_scenario(site: Site) -> None:
    _hosts_up(site)
    raise AssertionError("this scenario fails on purpose")


def test_a_scenario_that_waits_to_be_interrupted(site: Site) -> None:
    _hosts_up(site)
    poll_until(lambda: False, timeout=600, interval=0.1, what="the parent to interrupt this run")
