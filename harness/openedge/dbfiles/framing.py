"""Checksummed frames: the building block of every emulated file (header blocks, BI and AI notes)."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

FRAME = struct.Struct("<II")  # payload length, crc32 of the payload


class FrameError(ValueError):
    """A frame's length or checksum is wrong: the bytes are damaged or truncated."""


def frame(payload: bytes) -> bytes:
    return FRAME.pack(len(payload), zlib.crc32(payload)) + payload


def read_frames(data: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    """Yield (offset, payload) for each intact frame from ``offset``; stop at zeros (never written)."""
    while offset + FRAME.size <= len(data):
        length, crc = FRAME.unpack_from(data, offset)
        if length == 0 and crc == 0:
            return
        end = offset + FRAME.size + length
        if end > len(data):
            raise FrameError(f"frame at offset {offset} runs past the end of the file")
        payload = data[offset + FRAME.size : end]
        if zlib.crc32(payload) != crc:
            raise FrameError(f"checksum mismatch in the note at offset {offset}")
        yield offset, payload
        offset = end


def encode_header(magic: bytes, fields: Mapping[str, Any], size: int) -> bytes:
    """A header block: magic, then a framed JSON document, zero-padded to ``size`` bytes."""
    body = magic + frame(json.dumps(fields, sort_keys=True).encode())
    if len(body) > size:
        raise ValueError("header does not fit in its block")
    return body.ljust(size, b"\0")


def decode_header(magic: bytes, data: bytes) -> dict[str, Any]:
    """Inverse of encode_header; FrameError if the magic, length or checksum is wrong."""
    if not data.startswith(magic):
        raise FrameError("wrong file type (bad magic number)")
    for _offset, payload in read_frames(data[: len(data)], len(magic)):
        try:
            fields = json.loads(payload)
        except ValueError as exc:
            raise FrameError(f"unreadable header ({exc})") from None
        if not isinstance(fields, dict):
            raise FrameError("unreadable header")
        return fields
    raise FrameError("empty header")
