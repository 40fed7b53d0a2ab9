"""The before-image file <db>.b1: a header block, then checksummed physical notes.

Only the first BI extent receives notes; further b extents are checked for presence (emulator
simplification, listed in docs/FIDELITY.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypedDict, cast

from oedr.harness.openedge.dbfiles import diskio, faults, notes
from oedr.harness.openedge.dbfiles.framing import FrameError, decode_header, encode_header, frame, read_frames

MAGIC = b"OEDRBI01"


class BiHeader(TypedDict):
    """The JSON document of the BI header block."""

    db_id: str
    created: int
    base_lsn: int


def create(path: Path, fields: BiHeader, block_size: int, exist_ok: bool = False) -> None:
    with path.open("wb" if exist_ok else "xb") as out:
        out.write(encode_header(MAGIC, fields, block_size))


def rewrite_header(path: Path, fields: BiHeader, block_size: int) -> None:
    """Replace the header block in place, in one write (a crash leaves the old header or the new one, never
    an empty file as truncating and rewriting would)."""
    fd = os.open(path, os.O_WRONLY)
    try:
        diskio.pwrite(fd, encode_header(MAGIC, fields, block_size), 0, path)
        os.fsync(fd)
    finally:
        os.close(fd)


def header(path: Path, block_size: int) -> BiHeader:
    with path.open("rb") as src:
        # The document create() wrote (checksummed); its readers still .get() each field with a default.
        return cast(BiHeader, decode_header(MAGIC, src.read(block_size)))


def truncate(path: Path, block_size: int) -> None:
    """Back to the header block alone (proutil -C truncate bi, after recovery)."""
    faults.before_write()
    with path.open("r+b") as out:
        out.truncate(block_size)
        out.flush()
        os.fsync(out.fileno())


class BiWriter:
    """Appends notes; ``sync`` makes everything written so far durable (called at commit)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def write(self, note: notes.Begin | notes.BlockChange | notes.Commit) -> None:
        diskio.append(self._fd, frame(notes.encode(note)), self._path)

    def sync(self) -> None:
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def read_notes(path: Path, block_size: int) -> tuple[list[notes.Begin | notes.BlockChange | notes.Commit], bool]:
    """All intact notes in order, and whether the tail was torn (a partial last note, as after a crash)."""
    data = path.read_bytes()
    found: list[notes.Begin | notes.BlockChange | notes.Commit] = []
    torn = False
    try:
        for _offset, payload in read_frames(data, block_size):
            note = notes.decode(payload)
            if isinstance(note, notes.Transaction):
                raise FrameError("AI note in a BI file")
            found.append(note)
    except (FrameError, ValueError):
        torn = True
    return found, torn
