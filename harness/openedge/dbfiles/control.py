"""The control area <db>.db: the database structure and the master block (semantics §2).

The master block holds the counters DR depends on: the *current* AI sequence (``ai.current_seq``,
OpenEdge's mb_ai.aigennbr), the *expected* AI sequence (``ai.expected_seq``, mb_aiseq), the backup counter
(mb_buseq), the last-change stamp (mb_lstmod) and the open/closed state. It is rewritten atomically
(temp file + rename) so that readers always see a whole block.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from oedr.harness.openedge.dbfiles import diskio, faults
from oedr.harness.openedge.dbfiles.framing import FrameError, decode_header, encode_header

MAGIC = b"OEDRCTL1"
CONTROL_SIZE = 16384

VOID, CLOSED, OPEN, RESTORING = "void", "closed", "open", "restoring"
BI_TRUNCATED, BI_EXISTS = 19, 20


@dataclass
class ExtentInfo:
    number: int
    path: str
    fixed: bool
    size_kb: int


@dataclass
class AreaInfo:
    number: int
    name: str
    kind: str  # "d", "b", "a", "t"
    rpb: int = 32
    bpc: int = 1
    extents: list[ExtentInfo] = field(default_factory=list)


@dataclass
class AiState:
    enabled: bool = False
    aibegin: int = 0
    ainew: int = 0
    aiopen: int = 0
    current_seq: int = 0  # mb_ai.aigennbr: the BUSY file's number since the last AIMAGE BEGIN
    expected_seq: int = 0  # mb_aiseq: the file the next roll forward accepts (0 means 1)
    busy_extent: int = 0
    management: bool = False
    # AI File Management's settings (semantics §4.6; persisted in the control area [inferred]): the archive
    # directories in the order the after-image manager uses them, and the timed-mode interval (0: on demand).
    arc_dirs: list[str] = field(default_factory=list)
    arc_interval: int = 0
    # The broker shut down because the BUSY extent was full and no EMPTY one could take over (5350): the
    # next writer, crash recovery included, must switch before it writes (semantics §4.4).
    switch_failed: bool = False
    # mb_aiwrtloc / mb_aictr (semantics §2): where the next note goes in the BUSY extent and how many notes it
    # holds, with the running checksum over them (the emulator's own): what every writer checks the BUSY
    # extent against before it appends (engine/aicheck.py). 0 in wrtloc means nothing recorded.
    wrtloc: int = 0
    notes: int = 0
    notes_crc: int = 0

    @property
    def expected(self) -> int:
        return self.expected_seq or 1


@dataclass
class RollForwardState:
    in_progress_seq: int = 0  # non-zero: a roll forward of that file started and did not finish
    endpoint: int = 0  # set once an endtime/endtrans point was reached (17923)
    applied_files: int = 0  # files applied since the restore; a start or open in between spends them (§5.3)
    oplock: bool = False  # roll forward oplock: only roll forward (and opunlock) may open the database (§3.4)


@dataclass
class BackupState:
    buseq: int = 0  # backup counter: +1 per backup and per mark backedup
    fbdate: int = 0
    ibdate: int = 0
    ibseq: int = 0
    chain_id: str = ""  # identity of the last full backup (restored from, or taken of, this db)
    chain_pos: int = 0  # 0 after the full, n after incremental n


@dataclass
class Master:
    db_id: str
    block_size: int
    created: int
    # The BI file's own block size: OpenEdge's default is 8 KB whatever the database block size (semantics
    # §3.3, -biblocksize), never smaller than the database block size; proutil -C truncate bi -biblocksize
    # changes it.
    bi_block_size: int = 8192
    dbversion: str = "184.0"
    state: str = VOID
    last_open: int = 0
    opening: int = 0  # the open date being written to the extents (a crash may leave some with it)
    prior_open: int = 0
    lstmod: int = 0
    chgd: bool = True
    bistate: int = BI_TRUNCATED
    next_trid: int = 1
    next_lsn: int = 1
    hiwater: dict[str, int] = field(default_factory=dict)  # area -> highest block used
    records: int = 0
    ai: AiState = field(default_factory=AiState)
    backup: BackupState = field(default_factory=BackupState)
    rf: RollForwardState = field(default_factory=RollForwardState)
    replication: str = ""
    tainted: int = 0
    restore_pending: bool = False


@dataclass
class Control:
    master: Master
    areas: list[AreaInfo] = field(default_factory=list)

    def area(self, number: int) -> AreaInfo:
        for area in self.areas:
            if area.number == number:
                return area
        raise KeyError(number)

    def of_kind(self, kind: str) -> list[AreaInfo]:
        return [a for a in self.areas if a.kind == kind]

    def ai_extents(self) -> list[ExtentInfo]:
        return [a.extents[0] for a in self.of_kind("a")]

    def all_extents(self) -> list[tuple[AreaInfo, ExtentInfo]]:
        return [(a, e) for a in self.areas for e in a.extents]


def from_dict(data: dict[str, Any]) -> Control:
    """A control area from its JSON document (the .db file's, or the image a backup carries)."""
    master = dict(data["master"])
    # Control areas written before the BI had a block size of its own framed it in database blocks.
    master.setdefault("bi_block_size", master.get("block_size"))
    master["ai"] = AiState(**master["ai"])
    master["backup"] = BackupState(**master["backup"])
    master["rf"] = RollForwardState(**master["rf"])
    areas = [AreaInfo(**{**a, "extents": [ExtentInfo(**e) for e in a["extents"]]}) for a in data["areas"]]
    return Control(Master(**master), areas)


def read(path: Path) -> Control:
    """Read and check the control area; FrameError if it is damaged or not a control area."""
    with path.open("rb") as src:
        data = src.read(CONTROL_SIZE)
    fields = decode_header(MAGIC, data)
    try:
        return from_dict(fields)
    except (KeyError, TypeError) as exc:
        raise FrameError(f"incomplete master block ({exc})") from None


def write(path: Path, control: Control, *, sync: bool = False, keep_open: bool = False) -> int | None:
    """Atomically replace the control area; with ``keep_open`` return the open descriptor on the new file
    (a broker holds it: ``engine.held``)."""
    faults.before_write()
    data = encode_header(MAGIC, asdict(control), CONTROL_SIZE)
    tmp = path.with_name(path.name + ".oedr-tmp")
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError as exc:  # name the control area, not the emulator's temporary file (43 with its errno)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        diskio.pwrite(fd, data, 0, path)  # a full disk leaves the old control area in place
        if sync:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        os.replace(tmp, path)
    except BaseException:
        os.close(fd)
        raise
    if keep_open:
        return fd
    os.close(fd)
    return None
