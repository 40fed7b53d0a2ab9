"""The step library as a pytest plugin: installed with oedr, pytest loads it (entry point ``pytest11``: ``oedr``).

It brings the Gherkin step definitions, the ``site`` fixture (a scenario's hosts on the chosen backend), the
backend options (``--oe-backend``, ``--oe-image``, ``--oe-licence``), the @docker_only / @local_only /
@emulator_only selection, and the tags the standard features use, so a site's plan needs no copy of them.
The evidence recorder (``oedr.harness.evidence.plugin``) is not loaded here: ``oedr run`` and a plan's conftest
ask for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from oedr.harness.backends import BACKENDS, get_backend
from oedr.harness.site import Site

pytest_plugins = [
    "oedr.harness.checked",  # which steps check the last command: a failure no step checks fails where it happened
    "oedr.steps.host_steps",
    "oedr.steps.command_steps",
    "oedr.steps.copy_steps",
    "oedr.steps.data_steps",
    "oedr.steps.ai_steps",
    "oedr.steps.archiver_steps",
    "oedr.steps.disaster_steps",
    "oedr.steps.fault_steps",
    "oedr.harness.backends.selection",  # @docker_only / @local_only / @emulator_only, and the skip without an engine
]

# The tags of the standard features (registered here, so --strict-markers accepts them in any plan).
MARKERS = (
    "slow: a test that takes more than a few seconds",
    "docker: needs a Docker engine",
    "offline: procedure or step with the database shut down",
    "online: procedure run while the database is served",
    "os_copy: an operating-system copy of the database files",
    "restore: restoring a copy or a backup on the DR host",
    "probkup: uses probkup / prorest",
    "quiet_point: uses proquiet",
    "negative: a scenario that proves a mistake is caught",
    "8019: expects error 8019 (AI file out of sequence)",
    "point_in_time: roll forward with endtime / endtrans",
    "replication: a replication-enabled source",
    "pre_91e: the pre-9.1E baseline-reset procedure",
    "incremental: incremental backups",
    (
        "emulator_only: needs the emulator (a clock shift, fault injection, or a message number the emulator "
        "assigned, 90000 and up); skipped on --oe-backend openedge"
    ),
    "docker_only: runs only on the docker backend",
    "local_only: runs only on the local backend",
    "retry: roll forward retry after an interruption",
    "aimgt: AI File Management (the broker's after-image manager)",
    "rpo: measures what the plan loses when production is lost (RPO) and how long DR takes to serve (RTO)",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oedr", "oedr: which OpenEdge-like environment runs the features")
    group.addoption(
        "--oe-backend",
        choices=BACKENDS,
        default=os.environ.get("OEDR_BACKEND", "local"),
        help="local (embedded emulator, default), docker (emulator in containers), "
        "openedge (a site's licensed OpenEdge image)",
    )
    group.addoption(
        "--oe-image",
        default=os.environ.get("OEDR_IMAGE", ""),
        help="image for --oe-backend docker/openedge (built from docker/Dockerfile when omitted)",
    )
    group.addoption(
        "--oe-licence", default=os.environ.get("OEDR_LICENCE", ""), help="progress.cfg to install in the openedge image"
    )
    group.addoption(
        "--record",
        metavar="DIR",
        default="",
        help="with --oe-backend openedge: write every scenario as a golden transcript of the real "
        "OpenEdge into DIR (harness/golden.py; docs/FIDELITY.md says how to contribute one)",
    )


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    if config.getoption("--record") and config.getoption("--oe-backend") != "openedge":
        raise pytest.UsageError(
            "--record DIR writes golden transcripts of a real OpenEdge: it needs "
            "--oe-backend openedge (the emulator's own output is what they are compared with)"
        )


@pytest.fixture
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """A scenario's hosts on the chosen backend; every process and file is removed afterwards."""
    name = request.config.getoption("--oe-backend")
    options = {"image": request.config.getoption("--oe-image"), "licence": request.config.getoption("--oe-licence")}
    backend = get_backend(name, **options) if name != "local" else get_backend(name)
    record = request.config.getoption("--record")
    recorder = backend.record(request.node.name) if record and name == "openedge" else None  # type: ignore[attr-defined]
    site = Site(backend)
    try:
        yield site
    finally:
        site.close()
        if recorder is not None:
            recorder.write(Path(record) / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.name)}.t")


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: object, scenario: object) -> None:
    """Remember the feature's directory: a site's files (its .st) are named relative to its feature."""
    request.node.oedr_feature_dir = os.path.dirname(getattr(feature, "filename", ""))
