"""The exit status of a command in a container reads as on the local backend (no engine needed)."""

from __future__ import annotations

import pytest

from oedr.harness.backends.docker_host import _signal_status


@pytest.mark.parametrize(
    ("engine", "local"), [(0, 0), (6, 6), (124, 124), (130, 130), (137, -9), (143, -15), (None, -9)]
)
def test_exit_status_of_a_signalled_process_reads_as_on_the_local_backend(engine: int | None, local: int) -> None:
    assert _signal_status(engine) == local
