"""After-image extents <db>.aN: a header block (semantics §1.7 AIFIRST fields), then transaction notes.

Header fields: state (EMPTY/BUSY/FULL/LOCKED), seq (aigennbr), aibegin, ainew, aiopen, lstmod (the
database's last-change stamp when this file became BUSY), eof (logical end, written at the switch),
notes/notes_crc (a checksum over every note, written at the switch), the db identity and block size, and
prev_trid (the newest transaction of the chain before this file, so crash recovery knows what the AI holds
even when this file has no note yet and the earlier ones were emptied).
"""

from __future__ import annotations

import os
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

from oedr.harness.openedge.dbfiles import diskio, notes
from oedr.harness.openedge.dbfiles.framing import FrameError, decode_header, encode_header, frame, read_frames

MAGIC = b"OEDRAI01"
HEADER_SIZE = 4096
AI_VERSION = 3
EMPTY, BUSY, FULL, LOCKED = "EMPTY", "BUSY", "FULL", "LOCKED"


@dataclass
class AiHeader:
    db_id: str = ""
    extent: int = 0
    state: str = EMPTY
    seq: int = 0
    aibegin: int = 0
    ainew: int = 0
    aiopen: int = 0
    lstmod: int = 0
    eof: int = 0
    notes: int = 0
    notes_crc: int = 0
    blksize: int = 0
    version: int = AI_VERSION
    prev_trid: int = 0  # the newest transaction already in AI when this file became BUSY


def create(path: Path, extent: int, db_id: str, block_size: int, fixed: bool, size_kb: int) -> None:
    with path.open("xb") as out:
        out.write(encode_header(MAGIC, asdict(AiHeader(db_id=db_id, extent=extent, blksize=block_size)), HEADER_SIZE))
        if fixed:
            out.truncate(size_kb * 1024)


def read_header(path: Path) -> AiHeader:
    """The header; FrameError if the file is not an AI file or its header is damaged."""
    with path.open("rb") as src:
        fields = decode_header(MAGIC, src.read(HEADER_SIZE))
    try:
        return AiHeader(**fields)
    except TypeError as exc:
        raise FrameError(f"unknown after-image header ({exc})") from None


def write_header(path: Path, header: AiHeader) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        diskio.pwrite(fd, encode_header(MAGIC, asdict(header), HEADER_SIZE), 0, path)
        os.fsync(fd)
    finally:
        os.close(fd)


def reset(path: Path, header: AiHeader, fixed: bool, size_kb: int) -> None:
    """Mark an extent EMPTY. OpenEdge reformats only the header; the emulator also clears the old notes
    (a fixed extent keeps its size, as zeros) because it finds the end of the notes by reading to the
    first unwritten frame, and a reused extent must not replay its previous contents."""
    write_header(path, header)
    os.truncate(path, HEADER_SIZE)
    if fixed:
        os.truncate(path, size_kb * 1024)


def scan(path: Path, upto: int | None = None) -> tuple[list[notes.Transaction], int, int]:
    """Every note in order (before offset ``upto`` when given), the end offset of the last intact one, and the
    running crc over them.

    Raises FrameError for a damaged note before the logical end (the header's eof, when written).
    """
    data = path.read_bytes()[:upto]
    found: list[notes.Transaction] = []
    end, crc = HEADER_SIZE, 0
    for offset, payload in read_frames(data, HEADER_SIZE):
        try:
            note = notes.decode(payload)
        except ValueError as exc:
            raise FrameError(f"bad note at offset {offset} ({exc})") from None
        if not isinstance(note, notes.Transaction):
            raise FrameError(f"unexpected note at offset {offset}")
        found.append(note)
        crc = zlib.crc32(payload, crc)
        end = offset + 8 + len(payload)
    return found, end, crc


def intact_notes(path: Path) -> list[notes.Transaction]:
    """The notes before the first damaged or torn one (what a crash mid-write leaves readable)."""
    found: list[notes.Transaction] = []
    try:
        for _offset, payload in read_frames(path.read_bytes(), HEADER_SIZE):
            note = notes.decode(payload)
            if isinstance(note, notes.Transaction):
                found.append(note)
    except (FrameError, ValueError):
        pass
    return found


@dataclass(frozen=True)
class Written:
    """What the BUSY extent holds: the offset after its last note, the number of notes, their running crc."""

    end: int = HEADER_SIZE
    notes: int = 0
    crc: int = 0


def check_written(path: Path, recorded: Written, capacity: int | None) -> Written:
    """The BUSY extent's notes against what the master block recorded; what the file really holds.

    FrameError naming the first difference: a fixed extent shorter than its size, a file shorter than the
    recorded write position, a note that fails its checksum before it, notes that end elsewhere, or a note
    count or checksum that differ. Beyond the recorded position the file may hold more intact notes (a crash
    between the note's write and the master block's) and a torn partial note (a crash mid-write)."""
    data = path.read_bytes()
    if capacity is not None and len(data) < capacity:
        raise FrameError(f"the fixed extent is {len(data)} bytes long instead of {capacity}: it was truncated")
    if len(data) < recorded.end:
        raise FrameError(f"it is {len(data)} bytes long but its notes end at offset {recorded.end}: it was truncated")
    end, count, crc = HEADER_SIZE, 0, 0
    matched = recorded.end == HEADER_SIZE and recorded.notes == 0 and recorded.crc == 0
    try:
        for offset, payload in read_frames(data, HEADER_SIZE):
            end, count, crc = offset + 8 + len(payload), count + 1, zlib.crc32(payload, crc)
            if end == recorded.end:
                if (count, crc) != (recorded.notes, recorded.crc):
                    raise FrameError(
                        f"its {count} notes up to offset {end} do not match the {recorded.notes} "
                        f"the master block records (note checksum)"
                    )
                matched = True
            elif end > recorded.end and not matched:
                break
    except FrameError as exc:
        if not matched:
            raise FrameError(f"{exc}, before offset {recorded.end} where its notes end") from None
        return Written(end, count, crc)
    if not matched:
        raise FrameError(f"its notes end at offset {end}, not at offset {recorded.end} as the master block records")
    return Written(end, count, crc)


def tail_offset(path: Path) -> int:
    """Where the next note goes; a torn partial note at the tail (after a crash) is overwritten."""
    data = path.read_bytes()
    end = HEADER_SIZE
    try:
        for offset, payload in read_frames(data, HEADER_SIZE):
            end = offset + 8 + len(payload)
    except FrameError:
        pass
    return end


class AiWriter:
    """Appends transaction notes to the BUSY extent after what it holds (``written``, checked by the caller).

    It keeps the note count and running crc the master block records, and the file's identity after its
    own last write, so that a change made by anyone else (``changed_by_others``) is noticed before the
    next note goes in. The identity is (inode, size, modification time): a same-size change made within the
    file system clock tick of the writer's own last write is seen only by the next full check (the next open
    or switch), an emulator simplification that keeps each commit from rereading the whole extent."""

    def __init__(self, path: Path, written: Written, capacity: int | None) -> None:
        self.path = path
        self.offset, self.notes, self.crc = written.end, written.notes, written.crc
        self.capacity = capacity
        self._fd = os.open(path, os.O_WRONLY)
        self._seen = self._identity()

    def _identity(self) -> tuple[int, int, int]:
        st = os.stat(self.path)
        return st.st_ino, st.st_size, st.st_mtime_ns

    def changed_by_others(self) -> bool:
        try:
            return self._identity() != self._seen
        except OSError:
            return True

    def written(self) -> Written:
        return Written(self.offset, self.notes, self.crc)

    def fits(self, note: notes.Transaction) -> bool:
        return self.capacity is None or self.offset + len(frame(notes.encode(note))) <= self.capacity

    def write(self, note: notes.Transaction) -> None:
        payload = notes.encode(note)
        data = frame(payload)
        diskio.pwrite(self._fd, data, self.offset, self.path)
        os.fsync(self._fd)
        self.offset += len(data)
        self.notes += 1
        self.crc = zlib.crc32(payload, self.crc)
        self._seen = self._identity()

    def close(self) -> None:
        os.close(self._fd)
