"""Crash recovery from the BI (semantics §1.3): torn-copy check, redo, undo, AI catch-up, BI truncation.

Run on any open of a database whose master block still says "open" (a crash, ``proshut -byF``, or an
OS copy of a running database). A data block newer than everything in the BI, or a block whose
checksum fails, cannot come from a crash: it means the files were copied at different moments (a torn
copy), and the open is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.dbfiles import bilog, extents, notes
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.engine import aimanager
from oedr.harness.openedge.errors import DamagedError

if TYPE_CHECKING:  # the database opens through this module (crash recovery): a type, not an import
    from oedr.harness.openedge.engine.database import Database


def _damaged(db: Database, reason: str) -> DamagedError:
    return DamagedError(m.DB_DAMAGED.bind(db=db.name.display, reason=reason))


def _check_not_torn(
    db: Database, bi_notes: list[notes.Begin | notes.BlockChange | notes.Commit], base_lsn: int
) -> None:
    newest = max([n.lsn for n in bi_notes if hasattr(n, "lsn")] + [base_lsn])
    if db.ctl.master.next_lsn - 1 > newest:
        raise _damaged(
            db,
            f"the control area (update {db.ctl.master.next_lsn - 1}) is newer than the "
            f"before-image file (ends at {newest}); the files were copied while the database "
            f"was being written",
        )
    for area in db.data_areas():
        files = db.area_files(area)
        ext_blocks = _blocks_on_disk(files)
        for number in range(1, ext_blocks + 1):
            try:
                block = files.read(number)
            except FrameError as exc:
                raise _damaged(db, f"{exc} (the files were copied while the database was being written)") from None
            except extents.AreaFull:
                break
            if block.lsn > newest:
                raise _damaged(
                    db,
                    f"block {number} of area {area} is newer than the before-image file "
                    f"(block update {block.lsn}, bi ends at {newest}); the files were copied "
                    f"while the database was being written",
                )


def refuse_torn_copy(db: Database) -> None:
    """The torn-copy check of crash recovery alone, reading only: for an opener that checks other files
    (the BUSY AI extent) before it recovers, so that a torn copy is reported as one."""
    master = db.ctl.master
    if master.rf.in_progress_seq:
        return
    bi_path = db.bi_path()
    bi_notes, _torn_tail = bilog.read_notes(bi_path, master.bi_block_size)
    _check_not_torn(db, bi_notes, int(bilog.header(bi_path, master.bi_block_size).get("base_lsn", 0)))


def _blocks_on_disk(files: extents.AreaFiles) -> int:
    total = 0
    for ext in files.area.extents:
        size = Path(ext.path).stat().st_size // files.block_size - 1
        total += max(size, 0)
    return total


def _write_image(db: Database, area: int, number: int, image: bytes) -> None:
    files = db.area_files(area)
    padded = image.ljust(db.ctl.master.block_size, b"\0")
    files.write(extents.decode_block(padded, number, area))


def crash_recover(db: Database) -> None:
    """Bring an uncleanly closed database to its last committed state; log what was done."""
    master = db.ctl.master
    bi_path = db.bi_path()
    head = bilog.header(bi_path, master.bi_block_size)
    bi_notes, _torn_tail = bilog.read_notes(bi_path, master.bi_block_size)
    if not master.rf.in_progress_seq:  # an interrupted roll forward writes blocks without BI notes
        _check_not_torn(db, bi_notes, int(head.get("base_lsn", 0)))
    db.log(m.CRASH_REDO.bind(lsn=master.next_lsn))
    changes = [n for n in bi_notes if isinstance(n, notes.BlockChange)]
    committed = {n.trid: n for n in bi_notes if isinstance(n, notes.Commit)}
    for change in changes:
        current = db.area_files(change.area).read(change.block)
        if current.lsn < change.lsn:
            _write_image(db, change.area, change.block, change.after)
    last_lsn = max([n.lsn for n in bi_notes if hasattr(n, "lsn")] + [master.next_lsn - 1])
    db.log(m.CRASH_REDO_DONE.bind(block=len(changes), lsn=last_lsn))
    losers = [c for c in reversed(changes) if c.trid not in committed]
    loser_ids = {c.trid for c in losers}
    if losers:
        db.log(m.CRASH_UNDO.bind(count=len(loser_ids), block=losers[0].block, lsn=losers[0].lsn))
    for change in losers:
        _write_image(db, change.area, change.block, change.before)
    if committed:
        last = committed[max(committed)]
        master.hiwater = {str(k): int(v) for k, v in dict(last.extra["hiwater"]).items()}
        master.records = int(last.extra["records"])
        master.next_trid = max(master.next_trid, int(last.extra["next_trid"]), max(loser_ids, default=0) + 1)
        master.lstmod = max(master.lstmod, last.lstmod)
    master.next_lsn = last_lsn + 1
    if master.ai.enabled:
        _catch_up_ai(db, changes, committed)
    # The BI's base LSN first, then the notes go: a crash in between leaves notes that redo again, never an
    # empty BI older than the blocks (which would read as a torn copy).
    rewrite_bi_header(db)
    bilog.truncate(bi_path, master.bi_block_size)
    db.log(m.CRASH_UNDONE.bind(count=len(loser_ids)), m.BI_AUTO_TRUNCATE.bind())
    db.messages.append(m.BI_AUTO_TRUNCATE.bind())
    db.save(sync=True)


def _catch_up_ai(db: Database, changes: list[notes.BlockChange], committed: dict[int, notes.Commit]) -> None:
    """Committed transactions whose AI note did not get written before the crash are written now; after a
    broker shut down on a full AI (5350) the BUSY extent has no room, so recovery switches first.

    Either needs an EMPTY extent when the BUSY one is full: 3773/3774 without one (semantics §1.3, §4.4),
    and the database stays crashed until the DBA empties one (KB-P154904)."""
    master = db.ctl.master
    last_in_ai = aimanager.last_trid(db)
    try:
        for trid in sorted(t for t in committed if t > last_in_ai):
            images = [(c.area, c.block, c.after) for c in changes if c.trid == trid]
            commit = committed[trid]
            aimanager.append(db, notes.Transaction(trid, commit.time, commit.lstmod, images, {"records": len(images)}))
        if master.ai.switch_failed:
            aimanager.switch(db)
    except aimanager.AiSwitchImpossible as impossible:
        full = aimanager.AiFull(impossible)
        db.log(*full.messages, severity="E")  # an error line, not an information one [inferred]
        raise full from None


def rewrite_bi_header(db: Database) -> None:
    """The BI's base LSN is the master's last one: every change up to it is in the data blocks. Crash recovery
    and truncate bi leave it so; roll forward, which writes blocks without BI notes, does it before it stops
    saying it is in progress, so that a crash of its next run is recovered rather than taken for a torn copy."""
    master = db.ctl.master
    bi_path = db.bi_path()
    fields = bilog.header(bi_path, master.bi_block_size)
    fields["base_lsn"] = master.next_lsn - 1
    bilog.rewrite_header(bi_path, fields, master.bi_block_size)


def truncate_bi(db: Database, bi_block_size: int | None = None) -> None:
    """proutil -C truncate bi after recovery: the BI back to its header, remembering the last LSN; with
    ``bi_block_size`` (-biblocksize) the BI is framed in blocks of that size from now on."""
    master = db.ctl.master
    bilog.truncate(db.bi_path(), master.bi_block_size)
    if bi_block_size is not None and bi_block_size != master.bi_block_size:
        fields = bilog.header(db.bi_path(), master.bi_block_size)
        master.bi_block_size = bi_block_size
        bilog.create(db.bi_path(), fields, bi_block_size, exist_ok=True)
    rewrite_bi_header(db)
