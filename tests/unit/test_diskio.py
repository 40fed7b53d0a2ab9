"""A write that finds the disk full gives OpenEdge's 6091 with the write's own fd, length, offset and file.

/dev/full refuses every write with ENOSPC, as a full file system does, so no privileged mount is needed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from oedr.harness.openedge.dbfiles import diskio
from oedr.harness.openedge.errors import DiskFullError


@pytest.fixture
def full_fd() -> Iterator[int]:
    if not os.path.exists("/dev/full"):
        pytest.skip("this system has no /dev/full")
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        yield fd
    finally:
        os.close(fd)


def test_pwrite_on_a_full_disk_is_6091_with_the_writes_fields(full_fd: int) -> None:
    with pytest.raises(DiskFullError) as refused:
        diskio.pwrite(full_fd, b"x" * 16384, 2147482624, "/data/dr/sports_7.d1")
    [message] = refused.value.messages
    assert message.text() == (
        f"bkioWrite:Insufficient disk space during write, fd {full_fd}, len 16384, "
        "offset 2147482624, file /data/dr/sports_7.d1. (6091)"
    )
    assert refused.value.exit_status == 1


def test_append_on_a_full_disk_is_6091(full_fd: int) -> None:
    with pytest.raises(DiskFullError, match=r"len 10, offset 0, file /data/dr/sports\.b1\. \(6091\)"):
        diskio.append(full_fd, b"0123456789", "/data/dr/sports.b1")


def test_other_write_errors_pass_through_unchanged() -> None:
    fd = os.open("/dev/null", os.O_RDONLY)
    try:
        with pytest.raises(OSError, match="Bad file descriptor"):
            diskio.pwrite(fd, b"x", 0, "/dev/null")
    finally:
        os.close(fd)
