"""Writes to database files that may find the disk full.

ENOSPC becomes OpenEdge's 6091 with the write's own file descriptor, length, offset and file, in the form
KB-P98311 and KB-P4404 show for database writes: ``bkioWrite:Insufficient disk space during write, fd 7,
len 16384, offset 2147482624, file dbname.d8. (6091)``. That the BI, AI and backup writes carry the same
function name is inferred (the KBs show data-extent and .db writes only).
"""

from __future__ import annotations

import errno
import os

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.dbfiles import faults
from oedr.harness.openedge.errors import DiskFullError

FUNCTION = "bkioWrite"


def _full(fd: int, data: bytes | bytearray, offset: int, path: str | os.PathLike[str]) -> DiskFullError:
    return DiskFullError(
        m.DISK_FULL.bind(function=FUNCTION, call="write", fd=fd, length=len(data), offset=offset, path=os.fspath(path))
    )


def pwrite(fd: int, data: bytes | bytearray, offset: int, path: str | os.PathLike[str]) -> None:
    """``os.pwrite`` of all of ``data`` at ``offset``; a full disk raises 6091."""
    faults.before_write()
    try:
        written = os.pwrite(fd, data, offset)
        if written < len(data):  # a short write is how a nearly full disk shows itself first
            os.pwrite(fd, data[written:], offset + written)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise _full(fd, data, offset, path) from None
        raise


def append(fd: int, data: bytes | bytearray, path: str | os.PathLike[str]) -> None:
    """Append to a file opened with O_APPEND; a full disk raises 6091 (offset: the end of the file)."""
    faults.before_write()
    offset = os.fstat(fd).st_size
    try:
        written = os.write(fd, data)
        if written < len(data):
            os.write(fd, data[written:])
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise _full(fd, data, offset, path) from None
        raise
