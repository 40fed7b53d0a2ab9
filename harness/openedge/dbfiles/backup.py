"""Backup volumes: the files probkup writes and prorest reads (semantics §1.6, §3.5, §3.6).

One volume is laid out as:

* bytes ``[0, 1024)``: readable text, NUL-padded, as OpenEdge's volumes begin (§1.6, FORUM-59679)::

      volume 1 of backup taken Fri Sep 27 17:23:36 2019 for OPENEDGE database:
      /db/sports2000.db
      incremental backup 1, taken after full backup of Fri Sep 27 17:23:36 2019

* ``MAGIC`` and one checksummed frame holding the JSON header (``VolumeHeader``): which backup and
  which volume, the counters prorest checks, and the image of the control area as it is to be restored;
* one frame per database block: ``b"B"``, area, block number, the block's bytes (trailing NULs
  removed with ``-com``). The frame's CRC-32 is the per-block checksum that ``prorest -vp`` checks;
* one trailer frame, ``b"E"`` + JSON ``{volume, blocks, last, total}``: a volume without it was truncated.

A multi-volume backup (``probkup -vs n``: n database blocks per volume) is written to ``<device>``,
``<device>.2``, ``<device>.3``, ... (an emulator choice: OpenEdge prompts for the next tape or file name).
Each volume's trailer says whether another follows, so a missing volume is detected. Volumes are written
under temporary names and renamed into place only when the whole backup succeeded. This module knows
bytes only; the engine turns its exceptions into numbered messages.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import zlib
from collections.abc import Generator, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from oedr.harness.openedge.clock import ctime
from oedr.harness.openedge.dbfiles.framing import FRAME

MAGIC = b"OEDRBKP1"
FORMAT_VERSION = 1
TEXT_SIZE = 1024
FULL, INCREMENTAL = "full", "incremental"
_RECORD = struct.Struct("<cII")  # kind, area, block number
_MAX_FRAME = 64 * 1024 * 1024
_READ_BUFFER = 1 << 20
TMP_SUFFIX = ".oedr-tmp"


class BackupFormatError(Exception):
    """A volume cannot be used; ``path`` names it."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotABackup(BackupFormatError):
    """The file is not a backup volume at all."""


class VolumeDamaged(BackupFormatError):
    """A checksum, length or trailer is wrong: the volume is damaged or truncated."""


class VolumeMissing(BackupFormatError):
    """A volume the previous one announced does not exist."""

    def __init__(self, path: Path, number: int) -> None:
        super().__init__(path, "missing")
        self.number = number


@dataclass
class VolumeHeader:
    """What prorest needs to know about a backup before it reads a block."""

    backup_id: str
    kind: str
    online: bool
    taken: int
    db_path: str
    block_size: int
    chain_id: str  # the full backup this one belongs to (its backup_id for a full)
    incr_seq: int  # 0 for a full, n for incremental n
    base_taken: int  # date of that full backup
    prev_taken: int  # date of the backup this one follows (full or previous incremental)
    since: int  # lowest block backup counter included (0 for a full)
    counter: int  # the master block's backup counter after this backup
    compressed: bool
    image: dict[str, Any] = field(default_factory=dict)  # asdict(Control) as the restored db gets it
    volume: int = 1
    text_crc: int = 0
    version: int = FORMAT_VERSION


@dataclass(frozen=True)
class Trailer:
    volume: int
    blocks: int
    last: bool
    total: int


def volume_path(device: Path, number: int) -> Path:
    """``<device>`` for volume 1, ``<device>.<n>`` after it."""
    return device if number == 1 else device.with_name(f"{device.name}.{number}")


def is_device(path: Path) -> bool:
    """A character or block device (``/dev/null``, a tape): written in place, never renamed."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def header_text(header: VolumeHeader) -> bytes:
    """The readable first bytes of a volume (semantics §1.6)."""
    lines = [f"volume {header.volume} of backup taken {ctime(header.taken)} for OPENEDGE database:", header.db_path]
    if header.kind == INCREMENTAL:
        after = "full backup" if header.incr_seq == 1 else "incremental"
        lines.append(f"incremental backup {header.incr_seq}, taken after {after} of {ctime(header.prev_taken)}")
    text = ("\n".join(lines) + "\n").encode(errors="replace")[: TEXT_SIZE - 1]
    return text.ljust(TEXT_SIZE, b"\0")


def _frame(payload: bytes) -> bytes:
    return FRAME.pack(len(payload), zlib.crc32(payload)) + payload


class VolumeWriter:
    """Writes one backup's volumes; nothing is visible under the device name until ``commit``."""

    def __init__(self, device: Path, header: VolumeHeader, per_volume: int | None, buffer_blocks: int) -> None:
        self.device = device
        self.header = header
        self.per_volume = per_volume
        self.buffer_blocks = max(buffer_blocks, 1)
        self.in_place = is_device(device)
        self.total = 0
        self.written: list[tuple[Path, Path, int]] = []  # (temporary, final, blocks)
        self._pending: list[bytes] = []
        self._in_volume = 0
        self._out: BinaryIO | None = None
        self._open_volume(1)

    def _open_volume(self, number: int) -> None:
        final = self.device if self.in_place else volume_path(self.device, number)
        temporary = final if self.in_place else final.with_name(final.name + TMP_SUFFIX)
        self.header.volume = number
        text = header_text(self.header)
        self.header.text_crc = zlib.crc32(text)
        self._out = temporary.open("wb")
        self.written.append((temporary, final, 0))
        self._out.write(text + MAGIC + _frame(json.dumps(asdict(self.header), sort_keys=True).encode()))
        self._in_volume = 0

    def add(self, area: int, number: int, data: bytes) -> None:
        """Append one block (its bytes as on disk)."""
        if self.per_volume is not None and self._in_volume >= self.per_volume:
            self._close_volume(last=False)
            self._open_volume(len(self.written) + 1)
        if self.header.compressed:
            data = data.rstrip(b"\0")
        self._pending.append(_frame(_RECORD.pack(b"B", area, number) + data))
        self._in_volume += 1
        self.total += 1
        if len(self._pending) >= self.buffer_blocks:
            self._flush()

    def _flush(self) -> None:
        assert self._out is not None
        self._out.write(b"".join(self._pending))
        self._pending.clear()

    def _close_volume(self, last: bool) -> None:
        assert self._out is not None
        self._flush()
        trailer = Trailer(len(self.written), self._in_volume, last, self.total)
        self._out.write(_frame(b"E" + json.dumps(asdict(trailer)).encode()))
        self._out.flush()
        if not self.in_place:
            os.fsync(self._out.fileno())
        self._out.close()
        self._out = None
        temporary, final, _ = self.written[-1]
        self.written[-1] = (temporary, final, self._in_volume)

    def commit(self) -> list[tuple[Path, int]]:
        """Finish the last volume and move every volume under its real name; (path, blocks) per volume."""
        self.seal()
        return self.publish()

    def seal(self) -> None:
        """Finish the last volume (durable, still under its temporary name)."""
        self._close_volume(last=True)

    def publish(self) -> list[tuple[Path, int]]:
        """Move every sealed volume under its real name (quick: the online backup does it under the lock)."""
        if not self.in_place:
            for temporary, final, _blocks in self.written:
                os.replace(temporary, final)
            self._remove_stale_volumes(len(self.written) + 1)
        return [(final, blocks) for _tmp, final, blocks in self.written]

    def _remove_stale_volumes(self, first: int) -> None:
        """Volumes of an older, longer backup to the same device would be taken for this one's: remove them."""
        number = first
        while volume_path(self.device, number).exists():
            volume_path(self.device, number).unlink()
            number += 1

    def discard(self) -> None:
        """Abandon the backup: close and remove every temporary volume."""
        if self._out is not None:
            self._out.close()
            self._out = None
        if not self.in_place:
            for temporary, _final, _blocks in self.written:
                temporary.unlink(missing_ok=True)


class _FrameReader:
    """Checked frames of one volume, read sequentially through a large buffer."""

    def __init__(self, path: Path, src: BinaryIO) -> None:
        self.path = path
        self.src = src
        self.offset = src.tell()

    def next(self) -> bytes:
        head = self.src.read(FRAME.size)
        if len(head) < FRAME.size:
            raise VolumeDamaged(self.path, f"truncated at offset {self.offset}: the volume has no end record")
        length, crc = FRAME.unpack(head)
        if length > _MAX_FRAME:
            raise VolumeDamaged(self.path, f"bad record length at offset {self.offset}")
        payload = self.src.read(length)
        if len(payload) < length:
            raise VolumeDamaged(self.path, f"truncated at offset {self.offset}: the last record is incomplete")
        if zlib.crc32(payload) != crc:
            raise VolumeDamaged(self.path, f"checksum mismatch in the record at offset {self.offset}")
        self.offset += FRAME.size + length
        return payload


def _read_header(path: Path, src: BinaryIO) -> VolumeHeader:
    text = src.read(TEXT_SIZE)
    magic = src.read(len(MAGIC))
    if len(text) < TEXT_SIZE or magic != MAGIC or not text.startswith(b"volume "):
        raise NotABackup(path, "no backup volume header")
    payload = _FrameReader(path, src).next()
    try:
        header = VolumeHeader(**json.loads(payload))
    except (ValueError, TypeError) as exc:
        raise VolumeDamaged(path, f"unreadable volume header ({exc})") from None
    if header.version != FORMAT_VERSION:
        raise NotABackup(path, f"backup format version {header.version} is not supported")
    if zlib.crc32(text) != header.text_crc:
        raise VolumeDamaged(path, "checksum mismatch in the volume's text header")
    return header


def read_header(path: Path) -> VolumeHeader:
    """Volume header only (no block is read); FileNotFoundError if the file does not exist."""
    with path.open("rb") as src:
        return _read_header(path, src)


def _trailer(path: Path, payload: bytes) -> Trailer:
    try:
        return Trailer(**json.loads(payload[1:]))
    except (ValueError, TypeError) as exc:
        raise VolumeDamaged(path, f"unreadable end record ({exc})") from None


def _volume_blocks(
    path: Path, src: BinaryIO, block_size: int, number: int
) -> Generator[tuple[int, int, bytes], None, Trailer]:
    """Blocks of one open volume after its header, checked and padded; returns (and checks) its trailer."""
    reader = _FrameReader(path, src)
    count = 0
    while True:
        payload = reader.next()
        if payload[:1] == b"E":
            trailer = _trailer(path, payload)
            if trailer.volume != number or trailer.blocks != count:
                raise VolumeDamaged(
                    path,
                    f"end record says volume {trailer.volume} with {trailer.blocks} blocks, "
                    f"found volume {number} with {count}",
                )
            if src.read(1):
                raise VolumeDamaged(path, "data after the end record")
            return trailer
        if payload[:1] != b"B" or len(payload) < _RECORD.size:
            raise VolumeDamaged(path, f"unknown record at offset {reader.offset}")
        _kind, area, block = _RECORD.unpack_from(payload)
        data = payload[_RECORD.size :]
        if len(data) > block_size:
            raise VolumeDamaged(path, f"block {block} of area {area} is larger than the block size")
        count += 1
        yield area, block, data.ljust(block_size, b"\0")


class BackupReader:
    """All volumes of one backup, read in order; every fault raises a BackupFormatError.

    ``header`` is volume 1's (read at construction: FileNotFoundError if the device does not exist);
    ``volumes`` counts the volumes ``blocks()`` has read through so far.
    """

    def __init__(self, device: Path) -> None:
        self.device = device
        self.header = read_header(device)
        self.volumes = 0

    def _path(self, number: int) -> Path:
        return self.device if is_device(self.device) else volume_path(self.device, number)

    def blocks(self) -> Iterator[tuple[int, int, bytes]]:
        """(area, block number, block bytes padded to the block size) for every block of every volume."""
        self.volumes = 0
        number = 1
        while True:
            path = self._path(number)
            try:
                src = path.open("rb", buffering=_READ_BUFFER)
            except FileNotFoundError:
                raise VolumeMissing(path, number) from None
            with src:
                header = _read_header(path, src)
                if header.backup_id != self.header.backup_id or header.volume != number:
                    raise VolumeDamaged(
                        path,
                        f"this is volume {header.volume} of another backup "
                        f"(taken {ctime(header.taken)}), expected volume {number}",
                    )
                trailer = yield from _volume_blocks(path, src, self.header.block_size, number)
            self.volumes = number
            if trailer.last:
                return
            number += 1

    def check(self) -> None:
        """Read every volume through, checking everything (prorest -vp)."""
        for _item in self.blocks():
            pass
