"""Taking and restoring backups: the engine behind probkup and prorest (semantics §3.5, §3.6, §2.1, §6.8).

A backup runs inside whoever holds the database: probkup's own single-user session (offline, ``take``) or
the broker (online: the broker operation "backup"). Online, only the backup point is taken under
``broker.cond`` (after any in-flight transaction); the blocks are then read chunk by chunk while clients keep
committing, and a block changed since the backup point is backed up as its before-image from the BI, so the
image is the database as of that point (``_BackupPoint``). Every backup adds one to the backup counter
(mb_buseq), stamps the full or incremental date and the chain it belongs to, and marks the database backed
up. An incremental backup holds the blocks whose backup counter is at least the master's (minus the ``-io``
overlap) (DOC-9.1E, KB-P19506).

After-imaging: an online backup switches first (DOC; PROBKUP aborts if the next extent is not EMPTY). An
offline backup does not switch by default (§6.8 recommendation; ``OEDR_OFFLINE_PROBKUP_SWITCH=1`` makes it
switch): the image then expects the BUSY file, which the roll forward date check (831-833) accepts only if it
got no notes before the backup. In both cases the image's expected AI sequence is the current one, so the
AI files written after the backup roll forward against its restore without ``rfutil -C sequence``. A
completed backup writes that same expected sequence to the master block of the database it ran against
(KB-P121756 rule 2, semantics §2.1): an OS copy taken later expects the file the backup started, not 1.

Restoring checks every volume and every block checksum, and that the target fits, before it writes anything;
while it writes, the target is marked "not fully restored" (``restore_pending``), so a crash mid-restore is
detectable. The restored database takes the backup's master block (counters, AI state, expected sequence,
marked backed up) and keeps its own extent paths; its BI is empty and its AI extents are reset EMPTY, the
one the master calls BUSY being given a BUSY header so that the database is consistent if opened.
"""

from __future__ import annotations

import copy
import errno
import os
import signal
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path, PurePath
from typing import Any

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.clock import ctime, now_us
from oedr.harness.openedge.dbfiles import aifile, bilog, control, diskio, extents, lockfile, logfile, notes, structure
from oedr.harness.openedge.dbfiles import backup as volumes
from oedr.harness.openedge.dbfiles.control import AreaInfo, Control, Master, RollForwardState
from oedr.harness.openedge.dbfiles.framing import FRAME, FrameError, read_frames
from oedr.harness.openedge.engine import aimanager, wire
from oedr.harness.openedge.engine.broker import ENABLED, USER_NUMBER, Broker, operation
from oedr.harness.openedge.engine.create import check_targets, create_void
from oedr.harness.openedge.engine.database import Database, not_a_directory, read_control, refuse_if_locked, take_lock
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import DamagedError, OEError, StateError
from oedr.harness.openedge.hostinfo import tty, user_name
from oedr.harness.openedge.waiting import Timeout, poll_until

SCHEMA_AREA = 6
NOT_FULLY_RESTORED_TAINT = 8  # mb_tainted flag 8 (GEMINI, semantics §2)
MAX_MISMATCHES = 10
_COALESCE = 1 << 20


@dataclass(frozen=True)
class BackupRequest:
    """What probkup asked for; travels to the broker as JSON for an online backup."""

    device: str  # absolute path
    online: bool = False
    incremental: bool = False
    switch_ai: bool = False  # offline backups switch only with OEDR_OFFLINE_PROBKUP_SWITCH=1
    enableai: bool = False
    io: int = 0
    per_volume: int | None = None
    buffer_blocks: int = 34
    compress: bool = False
    verbose: bool = False

    @classmethod
    def from_wire(cls, request: dict[str, Any]) -> BackupRequest:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in request.items() if k in names})


# --- taking a backup ------------------------------------------------------------------------------------
def _device_problem(ctl: Control, name: DbName, device: Path) -> OEError | None:
    """The device must be writable and must not be one of the database's own files."""
    own = {name.db, name.lk, name.lg} | {Path(e.path) for _a, e in ctl.all_extents()}
    if device in own or device.resolve() in {p.resolve() for p in own}:
        return StateError(m.BACKUP_DEVICE_IS_DB.bind(path=str(device), db=name.display))
    if device.is_dir():
        return StateError(m.CANNOT_OPEN_FILE.bind(path=str(device), errno=errno.EISDIR))
    if not device.parent.is_dir():
        return not_a_directory(device.parent)
    return None


def check_request(ctl: Control, name: DbName, request: BackupRequest) -> None:
    """Every refusal a backup can meet before it changes anything (pure reads of the control area)."""
    master = ctl.master
    problem = _device_problem(ctl, name, Path(request.device))
    if problem is not None:
        raise problem
    if request.incremental and (not master.backup.chain_id or not master.backup.fbdate):
        raise StateError(m.BACKUP_NO_FULL.bind(db=name.display))
    if request.enableai:
        if not request.online or request.incremental:
            raise StateError(m.BACKUP_ENABLEAI_FULL_ONLINE.bind())
        if master.ai.enabled:
            raise StateError(m.AI_ALREADY_ENABLED.bind(db=name.display))
        if not ctl.ai_extents():
            raise StateError(m.AI_NO_EXTENTS.bind(db=name.display))


def _switch(db: Database) -> None:
    try:
        aimanager.switch(db)
    except aimanager.AiSwitchImpossible as impossible:
        raise StateError(*impossible.messages, m.BACKUP_ABORTED.bind(db=db.name.display)) from None


def _bookkeep(db: Database, request: BackupRequest, stamp: int) -> volumes.VolumeHeader:
    """Advance the master block's backup fields (and begin AI for enableai); the header of the new image."""
    master = db.ctl.master
    counters = master.backup
    backup_id = uuid.uuid4().hex
    since = max(counters.buseq - request.io, 0) if request.incremental else 0
    if request.incremental:
        seq, base = counters.chain_pos + 1, counters.fbdate
        prev = counters.fbdate if seq == 1 else counters.ibdate
        counters.ibdate, counters.ibseq, counters.chain_pos = stamp, seq, seq
    else:
        seq, base, prev = 0, stamp, 0
        counters.fbdate, counters.ibseq, counters.chain_id, counters.chain_pos = stamp, 0, backup_id, 0
    counters.buseq += 1
    master.chgd = False
    if request.enableai:
        aimanager.begin(db)  # needs the database marked backed up, which it now is
    image = copy.deepcopy(db.ctl)
    if image.master.ai.enabled:
        image.master.ai.expected_seq = image.master.ai.current_seq  # §2.1: aligned in the image
    return volumes.VolumeHeader(
        backup_id=backup_id,
        kind=volumes.INCREMENTAL if request.incremental else volumes.FULL,
        online=request.online,
        taken=stamp,
        db_path=str(db.name.db),
        block_size=master.block_size,
        chain_id=counters.chain_id,
        incr_seq=seq,
        base_taken=base,
        prev_taken=prev,
        since=since,
        counter=counters.buseq,
        compressed=request.compress,
        image=asdict(image),
    )


def _extent_layout(area: AreaInfo, block_size: int) -> list[tuple[str, int | None]]:
    """(path, capacity in blocks) per extent; the last variable extent has no limit (extents.AreaFiles)."""
    return [(e.path, e.size_kb * 1024 // block_size - 1 if e.fixed else None) for e in area.extents]


def _area_chunks(area: AreaInfo, block_size: int, highest: int) -> Generator[list[tuple[int, bytes]], None, None]:
    """Blocks 1..highest of an area as stored, read extent by extent, one 1 MB chunk per ``next``."""
    number = 1
    chunk_blocks = max(_COALESCE // block_size, 1)
    for path, capacity in _extent_layout(area, block_size):
        room = highest - number + 1 if capacity is None else min(capacity, highest - number + 1)
        with open(path, "rb", buffering=0) as src:
            src.seek(block_size)
            while room > 0:
                count = min(chunk_blocks, room)
                data = src.read(count * block_size).ljust(count * block_size, b"\0")
                yield [(number + i, data[i * block_size : (i + 1) * block_size]) for i in range(count)]
                number += count
                room -= count
        if number > highest:
            return


def _counter_of(db: Database, area: int, number: int, data: bytes) -> int:
    """The block's backup counter; a block that fails its own checks (header, dbkey, checksum) is damage.

    probkup checks every block as it reads it (its dbkey and its checksum, what the database itself checks when
    it reads the block) and fails the backup on a damaged one rather than copy it: the fact sheet is silent,
    and KB-P14232 says "Block corruption is raised at the time the PROBKUP utility creates the backup volume,
    failing a complete backup" (emulator choice on that word: the block's message 90001, then 90107). No volume
    is written and the backup's bookkeeping is undone. KB-P14232 adds that an online backup then brings the
    database down; the emulator's broker keeps running (an emulator simplification)."""
    try:
        return extents.decode_block(data, number, area).bkctr
    except FrameError as bad:
        raise DamagedError(
            m.DB_DAMAGED.bind(db=db.name.display, reason=str(bad)), m.BACKUP_ABORTED.bind(db=db.name.display)
        ) from None


def _lsn_of(data: bytes) -> int:
    """The LSN of the block's last change (0 for a never-written block)."""
    magic, _number, _area, lsn, _bkctr, _crc, _n = extents.BLOCK.unpack_from(data)
    return int(lsn) if magic == extents.BLOCK_MAGIC else 0


@dataclass
class _BackupPoint:
    """What the image holds: the blocks as they were when the backup began, although writers go on.

    Every block change is first written to the BI with the block's before-image (write-ahead, see
    transactions.py). A block read after the backup point (its LSN is at least ``start_lsn``) is replaced by
    the before-image of its first change since then, read from the BI: the blocks writers change after the
    backup began are backed up as they were before the change (semantics §3.5: the online backup is
    consistent at its start while clients keep writing).
    """

    db: Database
    start_lsn: int
    hiwater: dict[str, int]
    bi_offset: int
    copied_to: tuple[int, int] = (0, 0)  # (area, block): every block before it is in the backup
    before: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def _catch_up(self) -> None:
        """The first before-image since the backup point of each block not yet copied, from the new BI notes."""
        with self.db.bi_path().open("rb") as src:
            src.seek(self.bi_offset)
            data = src.read()
        try:
            for _offset, payload in read_frames(data, 0):
                note = notes.decode(payload)
                self.bi_offset += FRAME.size + len(payload)
                if not isinstance(note, notes.BlockChange) or note.lsn < self.start_lsn:
                    continue
                key = (note.area, note.block)
                if key >= self.copied_to and note.block <= self.hiwater.get(str(note.area), 0):
                    self.before.setdefault(key, note.before)
        except ValueError as exc:  # FrameError too: the BI is damaged
            raise DamagedError(m.DB_DAMAGED.bind(db=self.db.name.display, reason=f"before-image file: {exc}")) from None

    def settle(self, area: int, chunk: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
        """The chunk as of the backup point (called under the broker's lock, with the chunk just read)."""
        block_size = self.db.ctl.master.block_size
        settled = []
        for number, data in chunk:
            if _lsn_of(data) >= self.start_lsn:
                if (area, number) not in self.before:
                    self._catch_up()
                image = self.before.pop((area, number), None)
                if image is None:
                    raise DamagedError(
                        m.DB_DAMAGED.bind(
                            db=self.db.name.display,
                            reason=f"block {number} of area {area} changed during the backup "
                            f"without a before-image note",
                        )
                    )
                data = image.ljust(block_size, b"\0")
            settled.append((number, data))
        if chunk:
            self.copied_to = (area, chunk[-1][0] + 1)
        return settled


Guard = Callable[[], AbstractContextManager[object]]


def _dump(db: Database, writer: volumes.VolumeWriter, since: int, point: _BackupPoint, guard: Guard) -> int:
    """Write every block whose backup counter (as of the backup point) is at least ``since``; the number written.

    Each chunk is read and settled under ``guard`` (the broker's lock when online), and written out after it,
    so writers wait for one chunk's read at most, never for the whole backup."""
    dumped = 0
    block_size = db.ctl.master.block_size
    for area in sorted(db.ctl.of_kind("d"), key=lambda a: a.number):
        chunks = _area_chunks(area, block_size, point.hiwater.get(str(area.number), 0))
        with closing(chunks):
            while True:
                with guard():
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    chunk = point.settle(area.number, chunk)
                for number, data in chunk:
                    if _counter_of(db, area.number, number, data) >= since:
                        writer.add(area.number, number, data)
                        dumped += 1
    return dumped


def _allocated(ctl: Control) -> int:
    """Blocks the data areas occupy on disk (the "out of N blocks" of 6686)."""
    total = 0
    for area in ctl.of_kind("d"):
        for ext in area.extents:
            try:
                total += max(Path(ext.path).stat().st_size // ctl.master.block_size - 1, 0)
            except OSError:
                continue
    return total


def _write(
    db: Database, header: volumes.VolumeHeader, request: BackupRequest, point: _BackupPoint, guard: Guard
) -> tuple[volumes.VolumeWriter, int]:
    """The volumes, dumped and sealed under temporary names (the caller publishes them); the blocks written."""
    device = Path(request.device)
    try:
        writer = volumes.VolumeWriter(device, header, request.per_volume, request.buffer_blocks)
    except OSError as exc:
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(device), errno=exc.errno or 5)) from None
    try:
        dumped = _dump(db, writer, header.since, point, guard)
        writer.seal()
        return writer, dumped
    except OSError as exc:
        writer.discard()
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(device), errno=exc.errno or 5)) from None
    except BaseException:
        writer.discard()
        raise


def _bi_has_notes(db: Database) -> bool:
    try:
        return db.bi_path().stat().st_size > db.ctl.master.bi_block_size
    except OSError:
        return False


@dataclass
class _Begun:
    """A backup past its backup point: its image's header, and how to finish or undo its bookkeeping."""

    db: Database
    request: BackupRequest
    lines: list[m.Bound]
    header: volumes.VolumeHeader
    point: _BackupPoint
    prior: control.BackupState  # the master's backup fields before this backup
    done: control.BackupState  # ... and after it
    prior_ai: control.AiState  # enableai begins AI; a failed backup takes that back
    clock: float
    undone: bool = False
    aligned_seq: int = 0  # the expected AI sequence the image carries (0: AI off, nothing to align)

    def undo(self) -> None:
        """The backup failed or was aborted: the master's backup fields as they were (idempotent)."""
        if self.undone:
            return
        self.undone = True
        self.db.ctl.master.backup = copy.deepcopy(self.prior)
        if self.request.enableai:
            self.db.ctl.master.ai = copy.deepcopy(self.prior_ai)
        if not self.db.closed:
            self.db.save(sync=True)

    def finish(self) -> None:
        """The backup is complete: the master says so; changed since backup if written since its start."""
        master = self.db.ctl.master
        master.backup = copy.deepcopy(self.done)
        master.chgd = master.next_lsn > self.point.start_lsn
        if self.aligned_seq:  # KB-P121756 rule 2: probkup adjusts the expected sequence of its own database
            master.ai.expected_seq = self.aligned_seq
        self.db.save(sync=True)


def begin(db: Database, request: BackupRequest) -> _Begun:
    """The backup point: every check, the AI switch, the image's header. Only the backup counter advances
    in the live master until the backup completes (blocks changed from now on carry the new counter, so
    the next incremental takes them); a broker that dies mid-backup leaves that counter one ahead, as a
    mark backedup would (the next incremental then needs ``-io 1``): an emulator simplification."""
    check_request(db.ctl, db.name, request)
    clock = time.monotonic()
    lines: list[m.Bound] = []
    master = db.ctl.master
    if not request.online and _bi_has_notes(db):
        lines.append(m.TRUNCATE_BI_BEFORE_BACKUP.bind())
    if master.ai.enabled and (request.online or request.switch_ai):
        _switch(db)  # a switch is a change of its own: it stays even if the backup then fails
    elif master.ai.enabled:
        lines.append(m.BACKUP_OFFLINE_NO_SWITCH.bind(seq=master.ai.current_seq))
    prior, chgd, prior_ai = copy.deepcopy(master.backup), master.chgd, copy.deepcopy(master.ai)
    header = _bookkeep(db, request, max(now_us(), master.backup.fbdate + 1, master.backup.ibdate + 1))
    done = copy.deepcopy(master.backup)
    master.backup, master.chgd = copy.deepcopy(prior), chgd
    master.backup.buseq = done.buseq
    if request.enableai:
        lines.append(m.AI_BEGUN.bind(db=db.name.display))
    db.save(sync=True)
    point = _BackupPoint(db, master.next_lsn, dict(master.hiwater), db.bi_path().stat().st_size)
    aligned = int(header.image["master"]["ai"]["expected_seq"]) if master.ai.enabled else 0
    return _Begun(db, request, lines, header, point, prior, done, prior_ai, clock, aligned_seq=aligned)


def complete(begun: _Begun, guard: Guard, process: str = "BACKUP", user: int | None = None) -> list[m.Bound]:
    """Dump the blocks as of the backup point, then mark the database backed up; the lines to print."""
    db, request = begun.db, begun.request
    try:
        writer, dumped = _write(db, begun.header, request, begun.point, guard)
    except BaseException:
        with guard():
            begun.undo()
        raise
    try:
        with guard():  # published and marked backed up together: an aborted backup leaves no volume
            written = _publish(writer, request)
            begun.finish()
        seconds = f"{time.monotonic() - begun.clock:.2f}"
        report = [m.BACKUP_BLOCKS.bind(blocks=dumped, total=_allocated(db.ctl), db=str(db.name.db))]
        if len(written) > 1 or request.verbose:
            report += [m.BACKUP_VOLUME_WRITTEN.bind(n=i, path=str(p), blocks=b) for i, (p, b) in enumerate(written, 1)]
        report += [m.BACKUP_VOLUMES.bind(blocks=dumped, seconds=seconds), m.BACKUP_COMPLETE.bind()]
        db.log(*report, process=process, user=user)  # online: the user number of the probkup process
    except BaseException:
        writer.discard()
        raise
    return begun.lines + report


def _publish(writer: volumes.VolumeWriter, request: BackupRequest) -> list[tuple[Path, int]]:
    try:
        return writer.publish()
    except OSError as exc:
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=request.device, errno=exc.errno or 5)) from None


def take(db: Database, request: BackupRequest, process: str = "BACKUP", user: int | None = None) -> list[m.Bound]:
    """Back up a database this process holds alone (offline); the lines to print. A refusal changes nothing."""
    return complete(begin(db, request), nullcontext, process, user)


HOLD_FAULT = "backup-hold:"
HOLD_DEADLINE = 120.0  # seconds: a forgotten release does not hold a backup for ever
HOLDING_SUFFIX = ".holding"


def _hold(broker: Broker) -> None:
    """Emulator-only hold point: with OEDR_FAULT=backup-hold:<path> in the broker's environment, an online
    backup past its backup point writes ``<path>.holding`` (it is in progress) and waits, without the broker's
    lock, until ``<path>`` exists, the broker is shutting down, or HOLD_DEADLINE passes; then it carries on
    (and removes the marker). Lets a test act while a backup is mid-dump, with no sleep."""
    fault = os.environ.get("OEDR_FAULT", "")
    if not fault.startswith(HOLD_FAULT):
        return
    release = Path(fault.removeprefix(HOLD_FAULT))
    marker = release.with_name(release.name + HOLDING_SUFFIX)
    marker.write_text(f"{os.getpid()}\n")
    try:
        poll_until(
            lambda: release.exists() or broker.stop.is_set(), timeout=HOLD_DEADLINE, what=f"{release} (backup-hold)"
        )
    except Timeout:
        pass
    finally:
        marker.unlink(missing_ok=True)


@operation("backup")
def _op_backup(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """Online probkup: the backup point under the broker's lock (after any in-flight transaction, once a
    quiet point is over), then the dump while clients keep committing (see ``_BackupPoint``).

    ``enableai`` keeps the lock for the whole backup (AI begins at its start and a failure could not
    take that back while others write): an emulator simplification."""
    spec = BackupRequest.from_wire(request)

    @contextmanager
    def locked() -> Iterator[None]:
        with broker.cond:
            if broker.stop.is_set():  # proshut during the backup: it is aborted (Broker.shutdown undid it)
                raise StateError(
                    m.NO_SERVER.bind(db=broker.db.name.display), m.BACKUP_ABORTED.bind(db=broker.db.name.display)
                )
            yield

    with broker.cond:
        if broker.quiet == ENABLED and broker.quiet_nolock:
            raise StateError(m.BACKUP_NOLOCK_QUIET.bind())
        if broker.online_backup is not None:
            raise StateError(m.BACKUP_ALREADY_RUNNING.bind(db=broker.db.name.display))
        broker.wait_writable()
        if broker.stop.is_set():
            raise StateError(m.NO_SERVER.bind(db=broker.db.name.display))
        if spec.enableai:
            return {"messages": wire.pack_messages(take(broker.db, spec, user=int(request[USER_NUMBER])))}
        begun = begin(broker.db, spec)
        broker.online_backup = begun.undo
    try:
        _hold(broker)
        lines = complete(begun, locked, user=int(request[USER_NUMBER]))
    finally:
        with broker.cond:
            broker.online_backup = None
            broker.cond.notify_all()
    return {"messages": wire.pack_messages(lines)}


# --- reading a backup ----------------------------------------------------------------------------------
def _format_error(exc: volumes.BackupFormatError) -> DamagedError:
    if isinstance(exc, volumes.VolumeMissing):
        return DamagedError(m.BACKUP_VOLUME_MISSING.bind(n=exc.number, path=str(exc.path)))
    if isinstance(exc, volumes.NotABackup):
        return DamagedError(m.BACKUP_NOT_A_BACKUP.bind(path=str(exc.path)))
    return DamagedError(m.BACKUP_DAMAGED.bind(path=str(exc.path), reason=exc.reason))


def open_backup(device: Path) -> volumes.BackupReader:
    """Volume 1's header; 43 if the device cannot be opened, a numbered refusal if it is not a backup."""
    try:
        return volumes.BackupReader(device)
    except volumes.BackupFormatError as exc:
        raise _format_error(exc) from None
    except OSError as exc:
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(device), errno=exc.errno or 2)) from None


def checked_blocks(reader: volumes.BackupReader) -> Iterator[tuple[int, int, bytes]]:
    """The backup's blocks, every fault turned into its numbered message.

    Each block is checked twice: the volume's checksum over what was stored, and the block's own checks
    (dbkey, checksum), so that a volume carrying a block that was already damaged when it was read fails
    ``-vp``, ``-vf`` and a restore before anything is written: "CRC check failed reading backup block n"
    (KB-P14232 gives the text, not its number: 90150, emulator-assigned), then 90064 with the reason."""
    try:
        for ordinal, (area, number, data) in enumerate(reader.blocks(), 1):
            try:  # the volume's own checksums hold for a block that was damaged before it was copied
                extents.decode_block(data, number, area)
            except FrameError as bad:
                raise DamagedError(
                    m.BACKUP_BLOCK_CRC.bind(n=ordinal), m.BACKUP_DAMAGED.bind(path=str(reader.device), reason=str(bad))
                ) from None
            yield area, number, data
    except volumes.BackupFormatError as exc:
        raise _format_error(exc) from None
    except OSError as exc:
        raise DamagedError(m.BACKUP_DAMAGED.bind(path=str(reader.device), reason=str(exc))) from None


def verify(reader: volumes.BackupReader) -> int:
    """prorest -vp: read every volume and check every block; the number of blocks."""
    return sum(1 for _ in checked_blocks(reader))


def image_of(header: volumes.VolumeHeader) -> Control:
    """The control area the backup restores (the image taken with it)."""
    return control.from_dict(header.image)


def describe(header: volumes.VolumeHeader) -> list[m.Bound]:
    """The backup's description as prorest prints it (6759/6760/6994/6763; 90108, 6761/6762 for incrementals)."""
    image = image_of(header)
    db_file = PurePath(header.db_path).name  # KB-P52315: "This is a full backup of sports2000.db."
    if header.kind == volumes.FULL:
        lines = [m.BACKUP_IS_FULL.bind(db=db_file)]
    else:
        lines = [m.BACKUP_IS_INCR_OF.bind(db=db_file), m.BACKUP_IS_INCR.bind(date=ctime(header.base_taken))]
        if header.incr_seq > 1:
            lines.append(m.BACKUP_INCR_SEQ.bind(n=header.incr_seq, date=ctime(header.prev_taken)))
    return [
        *lines,
        m.BACKUP_TAKEN.bind(date=ctime(header.taken)),
        m.BACKUP_BLOCKSIZE.bind(size=header.block_size),
        m.BACKUP_MIN_BLOCKS.bind(blocks=sum(image.master.hiwater.values())),
    ]


def structure_lines(header: volumes.VolumeHeader) -> list[str]:
    """prorest -list: the backup's areas as .st lines, to build a target that fits."""
    return [
        structure.format_line(a.kind, a.name, a.number, a.rpb, a.bpc, e.path, e.fixed, e.size_kb)
        for a in image_of(header).areas
        for e in a.extents
    ]


class _BlockFiles:
    """Raw block access to a target database's data areas, with contiguous writes coalesced."""

    def __init__(self, ctl: Control, writable: bool) -> None:
        self.block_size = ctl.master.block_size
        self.layout = {a.number: _extent_layout(a, self.block_size) for a in ctl.of_kind("d")}
        self.writable = writable
        self._fds: dict[str, int] = {}
        self._pending: tuple[int, int, bytearray] | None = None  # fd, offset, bytes

    def locate(self, area: int, number: int) -> tuple[int, int]:
        remaining = number
        for path, capacity in self.layout[area]:
            if capacity is None or remaining <= capacity:
                if path not in self._fds:
                    self._fds[path] = os.open(path, os.O_RDWR if self.writable else os.O_RDONLY)
                return self._fds[path], remaining * self.block_size
            remaining -= capacity
        raise extents.AreaFull(area)

    def read(self, area: int, number: int) -> bytes:
        fd, offset = self.locate(area, number)
        return os.pread(fd, self.block_size, offset).ljust(self.block_size, b"\0")

    def write(self, area: int, number: int, data: bytes) -> None:
        fd, offset = self.locate(area, number)
        pending = self._pending
        if pending and pending[0] == fd and pending[1] + len(pending[2]) == offset and len(pending[2]) < _COALESCE:
            pending[2].extend(data)
            return
        self.flush()
        self._pending = (fd, offset, bytearray(data))

    def flush(self) -> None:
        if self._pending is not None:
            fd, offset, data = self._pending
            path = next(p for p, known in self._fds.items() if known == fd)
            self._pending = None
            diskio.pwrite(fd, data, offset, path)

    def close(self, sync: bool = False) -> None:
        self.flush()
        for fd in self._fds.values():
            if sync:
                os.fsync(fd)
            os.close(fd)
        self._fds.clear()


def verify_against(reader: volumes.BackupReader, name: DbName) -> list[m.Bound]:
    """prorest -vf: compare every block of the backup with the database's; the differences (at most 10)."""
    ctl = read_control(name)
    if ctl.master.block_size != reader.header.block_size:
        raise StateError(
            m.RESTORE_TARGET_UNFIT.bind(
                db=name.display,
                reason=(f"its block size is {ctl.master.block_size}, the backup's is {reader.header.block_size}"),
            )
        )
    files = _BlockFiles(ctl, writable=False)
    differences: list[m.Bound] = []
    try:
        for area, number, data in checked_blocks(reader):
            try:
                same = area in files.layout and files.read(area, number).rstrip(b"\0") == data.rstrip(b"\0")
            except (extents.AreaFull, OSError):
                same = False
            if not same and len(differences) < MAX_MISMATCHES:
                differences.append(m.VERIFY_MISMATCH.bind(block=number, area=area))
    finally:
        files.close()
    return differences


# --- restoring ------------------------------------------------------------------------------------------
def _file_name(stem: str, area: AreaInfo, number: int) -> str:
    """OpenEdge's generated extent names (semantics §1.1)."""
    if area.kind == "d":
        return f"{stem}.d{number}" if area.number == SCHEMA_AREA else f"{stem}_{area.number}.d{number}"
    return f"{stem}.{area.kind}{number}"


def _structure_for(name: DbName, image: Control) -> list[structure.ResolvedExtent]:
    """The backup's structure with every extent in the target database's directory."""
    return [
        structure.ResolvedExtent(
            kind=a.kind,
            area=a.number,
            area_name=a.name,
            number=e.number,
            path=str(name.directory / _file_name(name.stem, a, e.number)),
            fixed=e.fixed,
            size_kb=e.size_kb,
            rpb=a.rpb,
            bpc=a.bpc,
        )
        for a in image.areas
        for e in a.extents
    ]


def _check_fits(name: DbName, ctl: Control, image: Control) -> None:
    """Same block size, and every data area of the backup present and large enough (6763)."""

    def unfit(reason: str, *more: m.Bound) -> StateError:
        return StateError(m.RESTORE_TARGET_UNFIT.bind(db=name.display, reason=reason), *more)

    if ctl.master.block_size != image.master.block_size:
        raise unfit(f"its block size is {ctl.master.block_size}, the backup's is {image.master.block_size}")
    if not ctl.of_kind("b"):
        raise unfit("it has no before-image extent")
    mine = {a.number: a for a in ctl.of_kind("d")}
    for key, highest in image.master.hiwater.items():
        area = mine.get(int(key))
        if highest and area is None:
            raise unfit(f"it has no area {key}")
        capacity = extents.AreaFiles(area, ctl.master.block_size).capacity() if area else None
        if capacity is not None and capacity < highest:
            raise unfit(
                f"area {key} holds {capacity} blocks, the backup has {highest}",
                m.BACKUP_MIN_BLOCKS.bind(blocks=sum(image.master.hiwater.values())),
            )


def _prepare_full(name: DbName, image: Control, confirm: Callable[[str], bool]) -> Control | None:
    """The target to overwrite (None: to create); asks before overwriting a database that has data."""
    if not name.db.exists():
        if not name.directory.is_dir():
            raise not_a_directory(name.directory)
        check_targets(name, _structure_for(name, image))
        return None
    ctl = read_control(name)
    refuse_if_locked(name)
    with _session_of_refusal(name):
        _check_fits(name, ctl, image)
    if ctl.master.state != control.VOID and not confirm(name.display):  # the DBA's answer, not an error
        raise StateError(m.RESTORE_NOT_CONFIRMED.bind(db=name.display))
    return ctl


def _prepare_incremental(name: DbName, header: volumes.VolumeHeader, image: Control) -> Control:
    """An incremental goes onto the restore of its chain, right after the backups it follows (6774)."""
    ctl = read_control(name)
    refuse_if_locked(name)
    with _session_of_refusal(name):
        if ctl.master.restore_pending:
            raise StateError(m.NOT_FULLY_RESTORED.bind())
        counters = ctl.master.backup
        in_order = (
            ctl.master.state != control.VOID
            and counters.chain_id == header.chain_id
            and header.since <= counters.buseq < header.counter
            and not ctl.master.chgd
        )
        if not in_order:
            raise StateError(m.INCR_OUT_OF_SEQUENCE.bind(db=name.display), m.INCR_COULD_DAMAGE.bind())
        _check_fits(name, ctl, image)
    return ctl


@contextmanager
def _session_of_refusal(name: DbName) -> Iterator[None]:
    """A refusal once prorest has its target (read, not in use) is a prorest session in the .lg, as a refused
    roll forward is: 451, the refusal as errors (E), 334."""
    try:
        yield
    except StateError as refusal:
        _log(name, m.SESSION_BEGIN.bind(utility="prorest", user=user_name(), tty=tty()))
        logfile.append(name.lg, "PROREST", *refusal.messages, severity="E")
        _log(name, m.SESSION_END.bind(utility="prorest"))
        refusal.logged = True
        raise


def _final_master(image: Control, target: Control) -> Master:
    """The backup's master block, as a closed, backed-up database with the target's AI extents."""
    master = copy.deepcopy(image.master)
    master.state, master.restore_pending, master.tainted = control.CLOSED, False, 0
    master.bistate, master.chgd, master.rf = control.BI_TRUNCATED, False, RollForwardState()
    count = len(target.ai_extents())
    if master.ai.enabled and count == 0:
        master.ai = control.AiState(expected_seq=master.ai.expected_seq)
    elif master.ai.enabled and master.ai.busy_extent > count:
        master.ai.busy_extent = 1
    return master


def _reset_extents(target: Control, master: Master, full: bool) -> None:
    """Extent headers of the restored identity; a full restore also empties the data extents first."""
    bs = master.block_size
    for area, ext in target.all_extents():
        path = Path(ext.path)
        if area.kind in ("d", "t"):
            if full:
                with path.open("r+b") as out:
                    out.truncate(bs)
                    if ext.fixed:
                        out.truncate(max(ext.size_kb * 1024, bs))
            extents.write_extent_header(
                path,
                extents.header_fields(
                    master.db_id, area.number, ext.number, area.kind, master.created, master.last_open
                ),
                bs,
            )
        elif area.kind == "b":
            bilog.create(
                path,
                {"db_id": master.db_id, "created": master.created, "base_lsn": master.next_lsn - 1},
                master.bi_block_size,
                exist_ok=True,
            )
    _reset_ai(target, master)


def _reset_ai(target: Control, master: Master) -> None:
    """Every AI extent EMPTY (old notes of a fixed extent zeroed too); the master's BUSY one gets its header."""
    ai = master.ai
    for ext in target.ai_extents():
        path = Path(ext.path)
        with path.open("r+b") as out:
            out.truncate(aifile.HEADER_SIZE)
            if ext.fixed:
                out.truncate(ext.size_kb * 1024)
        state = aifile.BUSY if ai.enabled and ext.number == ai.busy_extent else aifile.EMPTY
        header = aifile.AiHeader(db_id=master.db_id, extent=ext.number, blksize=master.block_size, state=state)
        if state == aifile.BUSY:
            header.seq, header.aibegin, header.ainew, header.aiopen = ai.current_seq, ai.aibegin, ai.ainew, ai.aiopen
            header.lstmod = master.lstmod
            ai.wrtloc, ai.notes, ai.notes_crc = aifile.HEADER_SIZE, 0, 0  # the master's write position: no notes
        aifile.write_header(path, header)


def _write_blocks(target: Control, reader: volumes.BackupReader) -> None:
    files = _BlockFiles(target, writable=True)
    try:
        for area, number, data in checked_blocks(reader):  # checked again: the volume may have changed
            files.write(area, number, data)
    finally:
        files.close(sync=True)


def _fault(point: str) -> None:
    """Emulator-only fault injection: OEDR_FAULT=<point> kills prorest there with SIGKILL (a crash)."""
    if os.environ.get("OEDR_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _log(name: DbName, *messages: m.Bound) -> None:
    logfile.append(name.lg, "PROREST", *messages)


def _apply(name: DbName, target: Control, image: Control, reader: volumes.BackupReader) -> None:
    full = reader.header.kind == volumes.FULL
    target.master.restore_pending, target.master.state = True, control.RESTORING
    target.master.tainted |= NOT_FULLY_RESTORED_TAINT
    control.write(name.db, target, sync=True)
    _log(
        name,
        m.SESSION_BEGIN.bind(utility="prorest", user=user_name(), tty=tty()),
        m.RESTORE_FULL_STARTED.bind() if full else m.RESTORE_INCR_STARTED.bind(),
    )
    master = _final_master(image, target)
    _reset_extents(target, master, full)
    _write_blocks(target, reader)
    _fault("restore-blocks-written")
    control.write(name.db, Control(master, target.areas), sync=True)
    _log(
        name, m.RESTORE_FULL_DONE.bind() if full else m.RESTORE_INCR_DONE.bind(), m.SESSION_END.bind(utility="prorest")
    )


def restore(reader: volumes.BackupReader, name: DbName, confirm: Callable[[str], bool]) -> list[m.Bound]:
    """prorest without an option: check everything, then restore a full or the next incremental."""
    header = reader.header
    verify(reader)  # every volume and block checksum before anything is written
    image = image_of(header)
    if header.kind == volumes.FULL:
        target = _prepare_full(name, image, confirm)
    else:
        if not name.db.exists():
            raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(name.db), errno=2))
        target = _prepare_incremental(name, header, image)
    take_lock(name, lockfile.SINGLE_USER)
    try:
        if target is None:
            target = create_void(name, _structure_for(name, image), header.block_size)
        _apply(name, target, image, reader)
    finally:
        lockfile.remove(name.lk)
    return describe(header)
