"""Scenarios run by test_cleanup.py in a child pytest (never collected on their own: no test_ prefix).

They use the root conftest's ``site`` fixture with ``--oe-backend docker``, exactly as the features do.
OEDR_CHILD_READY names a file written once the hosts exist (the parent then interrupts the child); it holds
the id of the production host's container, from which the parent reads the run's labels. Under pytest-xdist
each worker writes its own file: the name ends in ``.<worker id>``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oedr.harness.openedge.waiting import poll_until
from oedr.harness.site import Site


def _hosts_up(site: Site) -> None:
    production = site.host("production").run("hostname")
    site.host("dr").run("hostname")
    ready = os.environ.get("OEDR_CHILD_READY")
    if ready:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        Path(f"{ready}.{worker}" if worker else ready).write_text(production.container or "")


def test_a_failing_scenario(site: Site) -> None:
    _hosts_up(site)
    raise AssertionError("this scenario fails on purpose")


def test_a_scenario_that_waits_to_be_interrupted(site: Site) -> None:
    _hosts_up(site)
    poll_until(lambda: False, timeout=600, interval=0.1, what="the parent to interrupt this run")


@pytest.mark.parametrize("worker", [1, 2])
def test_scenarios_in_two_workers_that_wait_to_be_killed(site: Site, worker: int) -> None:
    _hosts_up(site)
    poll_until(lambda: False, timeout=600, interval=0.1, what=f"the parent to kill this run (worker {worker})")
