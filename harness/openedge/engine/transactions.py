"""Committing transactions: write-ahead to the BI, blocks in place, then the AI note (semantics §1.3, §4).

Order per transaction: BEGIN note; for each record a before/after block-image note, then the block
itself; COMMIT note and fsync of the BI (the commit is durable here); the AI note (fsynced); the
master block. A crash between the block writes and the COMMIT leaves uncommitted changes in the data
blocks that crash recovery undoes from the before images.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from harness.openedge import messages as m
from harness.openedge.clock import now_us
from harness.openedge.dbfiles import extents, notes
from harness.openedge.engine import aimanager
from harness.openedge.engine.database import Database, encode_record, record_payload
from harness.openedge.errors import StateError


@dataclass(frozen=True)
class Committed:
    trid: int
    time: int


class AiPending(Exception):
    """Committed (durable in the BI) but its AI note could not be written: no EMPTY extent to switch to."""

    def __init__(self, committed: Committed, note: notes.Transaction, full: aimanager.AiSwitchImpossible) -> None:
        super().__init__(full)
        self.committed, self.note, self.full = committed, note, full


def _fault(point: str) -> None:
    """Emulator-only fault injection: OEDR_FAULT=<point> kills this process there with SIGKILL."""
    if os.environ.get("OEDR_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _place(db: Database, area: int, record: bytes) -> extents.Block:
    """The block a new record goes to: the area's last block if it has room, else a new one."""
    master = db.ctl.master
    files = db.area_files(area)
    block_size = master.block_size
    if extents.BLOCK.size + extents.SLOT.size + len(record) > block_size:
        raise StateError(m.RECORD_TOO_LARGE.bind(size=len(record), block_size=block_size))
    highest = master.hiwater.get(str(area), 0)
    if highest:
        block = files.read(highest)
        rpb = db.ctl.area(area).rpb
        if len(block.records) < rpb and block.used() + extents.SLOT.size + len(record) <= block_size:
            return block
    capacity = files.capacity()
    if capacity is not None and highest + 1 > capacity:
        raise StateError(m.AREA_FULL.bind(area=area))
    return extents.Block(highest + 1, area)


def commit(db: Database, table: str, records: int = 1, size: int = 100) -> Committed:
    """One transaction creating ``records`` records of ``size`` bytes in ``table``."""
    master = db.ctl.master
    trid = master.next_trid
    master.next_trid += 1
    bi = db.bi()
    bi.write(notes.Begin(trid, db.next_lsn()))
    area = db.record_area()
    images: list[tuple[int, int, bytes]] = []
    for index in range(records):
        record = encode_record(table, trid, index, record_payload(table, trid, index, size))
        block = _place(db, area, record)
        before = block.encode(master.block_size)
        block.records[max(block.records, default=-1) + 1] = record
        block.lsn = db.next_lsn()
        block.bkctr = master.backup.buseq
        after = block.encode(master.block_size)
        bi.write(notes.BlockChange(trid, block.lsn, area, block.number, before, after))
        db.area_files(area).write(block)
        master.hiwater[str(area)] = max(master.hiwater.get(str(area), 0), block.number)
        images.append((area, block.number, after))
    _fault("before-commit")
    stamp = now_us()
    lstmod = db.mark_changed(stamp)
    master.records += records
    extra = {"hiwater": master.hiwater, "records": master.records, "next_trid": master.next_trid}
    bi.write(notes.Commit(trid, db.next_lsn(), stamp, lstmod, extra))
    bi.sync()
    _fault("after-bi-commit")
    done = Committed(trid, stamp)
    if master.ai.enabled:
        note = notes.Transaction(trid, stamp, lstmod, images, {"records": records})
        try:
            aimanager.append(db, note)
        except aimanager.AiSwitchImpossible as full:
            db.save()
            raise AiPending(done, note, full) from None
    db.save()
    return done
