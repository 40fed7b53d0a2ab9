"""Fixtures for the golden transcripts: a local backend per transcript, removed (brokers killed) afterwards.

Its hosts run each command in this process, or through the installed console scripts under
OEDR_LOCAL_SUBPROCESS=1 (``make emulator-subprocess`` replays every transcript that way too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oedr.harness.backends.local import LocalBackend


@pytest.fixture
def backend() -> Iterator[LocalBackend]:
    local = LocalBackend()
    try:
        yield local
    finally:
        local.close()
