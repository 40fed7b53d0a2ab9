"""Data extents: an extent header block, then checksummed data blocks holding records.

Every data block carries its block number, its area, the LSN of the last change applied to it and the
backup counter at that change (semantics §2: "counter in master block and every block"), plus a CRC.
A block whose LSN is newer than anything in the BI, or whose CRC is wrong, marks a torn copy.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, cast

from oedr.harness.openedge.dbfiles import diskio, faults
from oedr.harness.openedge.dbfiles.control import AreaInfo
from oedr.harness.openedge.dbfiles.framing import FrameError, decode_header, encode_header

EXTENT_MAGIC = b"OEDREXT1"
BLOCK = struct.Struct("<4sIIQIIH")  # magic, block, area, lsn, bkctr, crc, nrecs
BLOCK_MAGIC = b"OEBK"
SLOT = struct.Struct("<HI")


class AreaFull(Exception):
    """The area's last extent is fixed and full."""


@dataclass
class Block:
    """A data block: records by slot, each record being (table, data)."""

    number: int
    area: int
    lsn: int = 0
    bkctr: int = 0
    records: dict[int, bytes] = field(default_factory=dict)

    def used(self) -> int:
        return BLOCK.size + sum(SLOT.size + len(r) for r in self.records.values())

    def encode(self, block_size: int) -> bytes:
        body = b"".join(SLOT.pack(slot, len(rec)) + rec for slot, rec in sorted(self.records.items()))
        crc = zlib.crc32(body + struct.pack("<IIQI", self.number, self.area, self.lsn, self.bkctr))
        head = BLOCK.pack(BLOCK_MAGIC, self.number, self.area, self.lsn, self.bkctr, crc, len(self.records))
        data = head + body
        if len(data) > block_size:
            raise ValueError("block overflow")
        return data.ljust(block_size, b"\0")


_STAMP = struct.Struct("<IIQI")  # what the block crc covers after the body: block, area, lsn, bkctr


def _header(data: bytes, number: int, area: int) -> tuple[int, int, int, int]:
    """A written block's lsn, bkctr, crc and record count, its magic and dbkey checked."""
    magic, bnum, barea, lsn, bkctr, crc, nrecs = BLOCK.unpack_from(data)
    if magic != BLOCK_MAGIC:
        raise FrameError(f"block {number} of area {area} has a bad header")
    if (bnum, barea) != (number, area):
        raise FrameError(
            f"wrong dbkey in block: found block {bnum} of area {barea}, should be block {number} of area {area}"
        )
    return lsn, bkctr, crc, nrecs


def _never_written(data: bytes) -> bool:
    return not data.startswith(BLOCK_MAGIC) and data.count(0) == len(data)  # counted, not copied: a hot path


def decode_block(data: bytes, number: int, area: int) -> Block:
    """Decode a block; an all-zero block is a never-written empty block. FrameError if damaged."""
    if _never_written(data):
        return Block(number, area)
    lsn, bkctr, crc, nrecs = _header(data, number, area)
    records, offset = {}, BLOCK.size
    for _ in range(nrecs):
        if offset + SLOT.size > len(data):
            raise FrameError(f"block {number} of area {area} is truncated")
        slot, length = SLOT.unpack_from(data, offset)
        offset += SLOT.size
        records[slot] = data[offset : offset + length]
        offset += length
    body = data[BLOCK.size : offset]
    if zlib.crc32(body + _STAMP.pack(number, area, lsn, bkctr)) != crc:
        raise FrameError(f"checksum mismatch in block {number} of area {area}")
    return Block(number, area, lsn, bkctr, records)


def restamp(data: bytes, number: int, area: int, lsn: int, bkctr: int) -> bytes:
    """``data`` (a whole block) with a new LSN and backup counter: the bytes ``decode_block`` then ``encode``
    give, checked as ``decode_block`` checks them (FrameError), without building its records, for roll
    forward's hot loop. Equal because every written block was made by ``encode`` (records in slot order)."""
    if _never_written(data):
        body, nrecs = b"", 0
    else:
        _lsn, _bkctr, crc, nrecs = _header(data, number, area)
        offset, size = BLOCK.size, len(data)
        for _ in range(nrecs):
            if offset + SLOT.size > size:
                raise FrameError(f"block {number} of area {area} is truncated")
            offset += SLOT.size + SLOT.unpack_from(data, offset)[1]
        body = data[BLOCK.size : offset]
        if zlib.crc32(_STAMP.pack(number, area, _lsn, _bkctr), zlib.crc32(body)) != crc:
            raise FrameError(f"checksum mismatch in block {number} of area {area}")
    crc = zlib.crc32(_STAMP.pack(number, area, lsn, bkctr), zlib.crc32(body))
    head = BLOCK.pack(BLOCK_MAGIC, number, area, lsn, bkctr, crc, nrecs)
    return (head + body).ljust(len(data), b"\0")


class ExtentHeader(TypedDict):
    """The JSON document of a data (d) or transaction-log (t) extent's header block."""

    db_id: str
    area: int
    number: int
    kind: str
    created: int
    last_open: int


def header_fields(db_id: str, area: int, number: int, kind: str, created: int, last_open: int) -> ExtentHeader:
    return {"db_id": db_id, "area": area, "number": number, "kind": kind, "created": created, "last_open": last_open}


def create_extent(path: Path, fields: ExtentHeader, block_size: int, fixed: bool, size_kb: int) -> None:
    """Write a new extent: header block, and for a fixed extent its full (sparse) size."""
    with path.open("xb") as out:
        out.write(encode_header(EXTENT_MAGIC, fields, block_size))
        if fixed:
            out.truncate(max(size_kb * 1024, block_size))


def read_extent_header(path: Path, block_size: int) -> ExtentHeader:
    with path.open("rb") as src:
        # The document header_fields() made (checksummed); its readers still .get() each field with a default.
        return cast(ExtentHeader, decode_header(EXTENT_MAGIC, src.read(block_size)))


def write_extent_header(path: Path, fields: ExtentHeader, block_size: int) -> None:
    faults.before_write()
    with path.open("r+b") as out:
        out.write(encode_header(EXTENT_MAGIC, fields, block_size))


class AreaFiles:
    """Block-level access to one data area spread over its extents (fixed ones fill, the last may grow)."""

    def __init__(self, area: AreaInfo, block_size: int) -> None:
        self.area = area
        self.block_size = block_size

    def _locate(self, number: int) -> tuple[str, int]:
        remaining = number
        for ext in self.area.extents:
            capacity = (ext.size_kb * 1024 // self.block_size) - 1 if ext.fixed else None
            if capacity is None or remaining <= capacity:
                return ext.path, remaining * self.block_size
            remaining -= capacity
        raise AreaFull(self.area.number)

    def capacity(self) -> int | None:
        """Blocks available in the area, None if its last extent is variable."""
        if not self.area.extents or not self.area.extents[-1].fixed:
            return None
        return sum((e.size_kb * 1024 // self.block_size) - 1 for e in self.area.extents)

    def read(self, number: int) -> Block:
        path, offset = self._locate(number)
        with open(path, "rb") as src:
            src.seek(offset)
            data = src.read(self.block_size)
        if len(data) < self.block_size:
            data = data.ljust(self.block_size, b"\0")
        return decode_block(data, number, self.area.number)

    def write(self, block: Block) -> None:
        path, offset = self._locate(block.number)
        fd = os.open(path, os.O_WRONLY)
        try:
            diskio.pwrite(fd, block.encode(self.block_size), offset, path)
        finally:
            os.close(fd)

    def write_many(self, blocks: list[tuple[int, bytes]]) -> None:
        """Write encoded blocks (number, bytes) given in block order: one open per extent, one write per run of
        consecutive blocks."""
        runs: list[tuple[str, int, list[bytes]]] = []  # (path, offset, encoded blocks)
        for number, data in blocks:
            path, offset = self._locate(number)
            if runs and runs[-1][0] == path and runs[-1][1] + len(runs[-1][2]) * self.block_size == offset:
                runs[-1][2].append(data)
            else:
                runs.append((path, offset, [data]))
        fds: dict[str, int] = {}
        try:
            for path, offset, parts in runs:
                if path not in fds:
                    fds[path] = os.open(path, os.O_WRONLY)
                diskio.pwrite(fds[path], b"".join(parts), offset, path)
        finally:
            for fd in fds.values():
                os.close(fd)

    def blocks(self, highest: int) -> list[Block]:
        return [self.read(n) for n in range(1, highest + 1)]
