"""Fixtures for the bad-input tests: a host on the local backend, and the unprivileged-user guard."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from badinput_helpers import UNPRIVILEGED, unprivileged_python

from oedr.harness.backends.local import LocalBackend, LocalHost


@pytest.fixture
def host() -> Iterator[LocalHost]:
    backend = LocalBackend()
    try:
        yield backend.create_host("production")
    finally:
        backend.close()


@pytest.fixture
def as_unprivileged() -> Callable[[], None]:
    """Skip (with the reason) where a command cannot be run as an unprivileged user."""

    def check() -> None:
        if os.geteuid() != 0:
            pytest.skip("not root: cannot switch to an unprivileged user (the tests already run as one)")
        if unprivileged_python() is None:
            pytest.skip(
                f"no interpreter that user {UNPRIVILEGED} can run imports the emulator "
                f"(runuser missing, or the project lives where {UNPRIVILEGED} cannot read)"
            )

    return check
