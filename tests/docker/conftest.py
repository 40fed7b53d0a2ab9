"""Fixtures for the Docker backend's own tests: a backend whose containers go in a finaliser, and a client.

Every test module here is marked ``docker`` (``pytestmark``): without a reachable engine the selection
plugin (oedr.harness.backends.selection) skips them with the reason, or fails them under OEDR_REQUIRE_DOCKER=1.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import docker
from oedr.harness.backends.docker_backend import DockerBackend


@pytest.fixture
def backend() -> Iterator[DockerBackend]:
    """A docker backend for one test; its containers are removed afterwards, whatever happened."""
    made = DockerBackend()
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def client() -> Iterator[docker.DockerClient]:
    """A plain Docker client, to look at the engine from outside the harness."""
    made = docker.from_env(timeout=120)
    try:
        yield made
    finally:
        made.close()
