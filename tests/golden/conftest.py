"""Fixtures for the golden transcripts: a local backend per transcript, removed (brokers killed) afterwards."""

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
