"""Root pytest configuration: the step library, the evidence recorder, and the backend option."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from harness.backends import BACKENDS, get_backend
from harness.site import Site

pytest_plugins = [
    "steps.host_steps",
    "steps.command_steps",
    "steps.copy_steps",
    "steps.data_steps",
    "steps.ai_steps",
    "steps.archiver_steps",
    "steps.fault_steps",
    "harness.backends.selection",  # @docker_only / @local_only, and the skip (or failure) without an engine
]
if os.environ.get("OEDR_EVIDENCE", "1") != "0":
    pytest_plugins.append("harness.evidence.plugin")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oedr", "oedr: which OpenEdge-like environment runs the features")
    group.addoption("--oe-backend", choices=BACKENDS, default=os.environ.get("OEDR_BACKEND", "local"),
                    help="local (embedded emulator, default), docker (emulator in containers), "
                         "openedge (a site's licensed OpenEdge image)")
    group.addoption("--oe-image", default=os.environ.get("OEDR_IMAGE", ""),
                    help="image for --oe-backend docker/openedge (built from docker/Dockerfile when omitted)")
    group.addoption("--oe-licence", default=os.environ.get("OEDR_LICENCE", ""),
                    help="progress.cfg to install in the openedge image")


@pytest.fixture
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """A scenario's hosts on the chosen backend; every process and file is removed afterwards."""
    name = request.config.getoption("--oe-backend")
    options = {"image": request.config.getoption("--oe-image"),
               "licence": request.config.getoption("--oe-licence")}
    backend = get_backend(name, **options) if name != "local" else get_backend(name)
    site = Site(backend)
    try:
        yield site
    finally:
        site.close()


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: object, scenario: object) -> None:
    """Remember the feature's directory: a site's files (its .st) are named relative to its feature."""
    request.node.oedr_feature_dir = os.path.dirname(getattr(feature, "filename", ""))
