"""The .lk file: open mode, pid and host of whoever holds the database (semantics §1.4 layout)."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from oedr.harness.openedge.dbfiles import faults

SINGLE_USER = 1
MULTI_USER = 2
STARTING = 64
_HEAD = struct.Struct("<ii")


@dataclass(frozen=True)
class Lock:
    mode: int
    pid: int
    host: str


def write_exclusive(path: Path, lock: Lock) -> bool:
    """Create the .lk atomically; False if it already exists (someone else holds the database)."""
    data = _HEAD.pack(lock.mode, lock.pid) + lock.host.encode()[:255] + b"\0"
    faults.before_write()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(data.ljust(38, b"\0"))
        out.flush()
        os.fsync(out.fileno())
    return True


def rewrite(path: Path, lock: Lock) -> None:
    """Replace the .lk contents (single-user -> multi-user handover at broker start)."""
    tmp = path.with_name(path.name + ".oedr-tmp")
    tmp.unlink(missing_ok=True)
    write_exclusive(tmp, lock)
    os.replace(tmp, path)


def read(path: Path) -> Lock | None:
    """The lock, None if there is no .lk; an unreadable file reads as held by an unknown host."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return Lock(MULTI_USER, 0, "")
    if len(data) < _HEAD.size + 1:
        return Lock(MULTI_USER, 0, "")
    mode, pid = _HEAD.unpack_from(data)
    host = data[_HEAD.size :].split(b"\0", 1)[0].decode(errors="replace")
    return Lock(mode, pid, host)


def remove(path: Path) -> None:
    faults.before_write()
    path.unlink(missing_ok=True)
