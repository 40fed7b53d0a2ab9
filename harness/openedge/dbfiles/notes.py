"""Binary encodings of the notes written to the BI and AI files.

BI notes are physical (before and after images of each changed block) so crash recovery can redo and
undo; an AI note is one committed transaction's after images, so roll forward replays whole transactions.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import TypedDict

_BEGIN = struct.Struct("<QQ")
_BLOCK = struct.Struct("<QQII")
_COMMIT = struct.Struct("<QQQQ")
_TX = struct.Struct("<QQQI")
_IMAGE = struct.Struct("<III")
_LEN = struct.Struct("<I")


class CommitExtra(TypedDict, total=False):
    """The JSON part of a BI commit note: the master's counters as of that commit, for crash recovery."""

    hiwater: dict[str, int]  # area -> highest block used
    records: int
    next_trid: int


class TransactionExtra(TypedDict, total=False):
    """The JSON part of an AI note."""

    records: int  # records the transaction added


@dataclass(frozen=True)
class Begin:
    trid: int
    lsn: int


@dataclass(frozen=True)
class BlockChange:
    trid: int
    lsn: int
    area: int
    block: int
    before: bytes
    after: bytes


@dataclass(frozen=True)
class Commit:
    trid: int
    lsn: int
    time: int
    lstmod: int
    extra: CommitExtra = field(default_factory=CommitExtra)


@dataclass(frozen=True)
class Transaction:
    """An AI note: a committed transaction's block after-images, with its commit time and lstmod."""

    trid: int
    time: int
    lstmod: int
    images: list[tuple[int, int, bytes]]  # (area, block, image)
    extra: TransactionExtra = field(default_factory=TransactionExtra)


def _blob(data: bytes) -> bytes:
    return _LEN.pack(len(data)) + data


def _take(payload: bytes, offset: int) -> tuple[bytes, int]:
    (length,) = _LEN.unpack_from(payload, offset)
    start = offset + _LEN.size
    if start + length > len(payload):
        raise ValueError("note truncated")
    return payload[start : start + length], start + length


def encode(note: Begin | BlockChange | Commit | Transaction) -> bytes:
    if isinstance(note, Begin):
        return b"B" + _BEGIN.pack(note.trid, note.lsn)
    if isinstance(note, BlockChange):
        return (
            b"K"
            + _BLOCK.pack(note.trid, note.lsn, note.area, note.block)
            + _blob(note.before.rstrip(b"\0"))
            + _blob(note.after.rstrip(b"\0"))
        )
    if isinstance(note, Commit):
        return (
            b"C"
            + _COMMIT.pack(note.trid, note.lsn, note.time, note.lstmod)
            + _blob(json.dumps(note.extra, sort_keys=True).encode())
        )
    parts = [b"T", _TX.pack(note.trid, note.time, note.lstmod, len(note.images))]
    for area, block, image in note.images:
        parts.append(_IMAGE.pack(area, block, 0) + _blob(image.rstrip(b"\0")))
    parts.append(_blob(json.dumps(note.extra, sort_keys=True).encode()))
    return b"".join(parts)


def decode(payload: bytes) -> Begin | BlockChange | Commit | Transaction:
    """Decode a note; ValueError if it is not one (damaged payloads are caught by the frame CRC first).

    The JSON parts are decoded to str first: json.loads of bytes detects their encoding each time, a cost
    per note that roll forward pays thousands of times."""
    kind, body = payload[:1], payload[1:]
    try:
        if kind == b"B":
            return Begin(*_BEGIN.unpack_from(body))
        if kind == b"K":
            trid, lsn, area, block = _BLOCK.unpack_from(body)
            before, offset = _take(body, _BLOCK.size)
            after, _ = _take(body, offset)
            return BlockChange(trid, lsn, area, block, before, after)
        if kind == b"C":
            trid, lsn, time, lstmod = _COMMIT.unpack_from(body)
            extra, _ = _take(body, _COMMIT.size)
            return Commit(trid, lsn, time, lstmod, json.loads(extra.decode()))
        if kind == b"T":
            trid, time, lstmod, count = _TX.unpack_from(body)
            offset, images = _TX.size, []
            for _ in range(count):
                area, block, _pad = _IMAGE.unpack_from(body, offset)
                image, offset = _take(body, offset + _IMAGE.size)
                images.append((area, block, image))
            extra, _ = _take(body, offset)
            return Transaction(trid, time, lstmod, images, json.loads(extra.decode()))
    except (struct.error, ValueError) as exc:
        raise ValueError(f"unreadable note ({exc})") from None
    raise ValueError(f"unknown note type {kind!r}")
