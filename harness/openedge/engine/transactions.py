"""Committing transactions: write-ahead to the BI, blocks in place, then the AI note (semantics §1.3, §4).

The transaction is first planned in memory (which blocks get which records, and so its AI note), and
room for the AI note is made before anything is written: when the BUSY fixed extent cannot take it the
AI switches, and when no EMPTY extent can take over the transaction is refused with 3773/3774 and
nothing is written, so a committed transaction is always in the AI. That the transaction is not committed
is an emulator choice: OpenEdge writes AI notes as the transaction goes, so one whose notes cannot be
written cannot commit (single-user: refused; broker: shutdown 5350, or a stall with -aistall).

Then, per transaction: BEGIN note and, for each record, a before/after block-image note, made durable
(fsync) before any block is written (write-ahead: a failed BI write leaves every data block as it was);
then the blocks themselves; COMMIT note and fsync of the BI (the commit is durable here); the AI note (fsynced); the
master block. A crash between the block writes and the COMMIT leaves uncommitted changes in the data
blocks that crash recovery undoes from the before images.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.clock import now_us
from oedr.harness.openedge.dbfiles import extents, notes
from oedr.harness.openedge.engine import aimanager
from oedr.harness.openedge.engine.database import Database, encode_record, record_payload
from oedr.harness.openedge.errors import StateError


@dataclass(frozen=True)
class Committed:
    trid: int
    time: int


@dataclass(frozen=True)
class _Change:
    """One record added to one block: the block's image before and after (its LSN already set)."""

    number: int
    lsn: int
    before: bytes
    after: bytes


def _fault(point: str) -> None:
    """Emulator-only fault injection: OEDR_FAULT=<point> kills this process there with SIGKILL."""
    if os.environ.get("OEDR_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def check_record_fits(block_size: int, table: str, size: int) -> None:
    """90080 for a record that no block can hold: a pure check, made before the database is opened (so that
    the refusal changes nothing, not even the open date) and before the record is built."""
    record = len(encode_record(table, 0, 0, b"")) + size
    if extents.BLOCK.size + extents.SLOT.size + record > block_size:
        raise StateError(m.RECORD_TOO_LARGE.bind(size=record, block_size=block_size))


def _place(db: Database, area: int, record: bytes, highest: int, last: extents.Block | None) -> extents.Block:
    """The block a new record goes to: the area's last block if it has room, else a new one."""
    master = db.ctl.master
    files = db.area_files(area)
    block_size = master.block_size
    if highest:
        block = last if last is not None and last.number == highest else files.read(highest)
        rpb = db.ctl.area(area).rpb
        if len(block.records) < rpb and block.used() + extents.SLOT.size + len(record) <= block_size:
            return block
    capacity = files.capacity()
    if capacity is not None and highest + 1 > capacity:
        raise StateError(m.AREA_FULL.bind(area=area))
    return extents.Block(highest + 1, area)


def _plan(db: Database, area: int, table: str, trid: int, records: int, size: int) -> list[_Change]:
    """The block changes of the transaction, computed without writing anything (LSNs after BEGIN's)."""
    master = db.ctl.master
    check_record_fits(master.block_size, table, size)
    highest = master.hiwater.get(str(area), 0)
    lsn = master.next_lsn + 1
    last: extents.Block | None = None
    changes: list[_Change] = []
    for index in range(records):
        record = encode_record(table, trid, index, record_payload(table, trid, index, size))
        block = _place(db, area, record, highest, last)
        before = block.encode(master.block_size)
        block.records[max(block.records, default=-1) + 1] = record
        block.lsn, block.bkctr = lsn, master.backup.buseq
        changes.append(_Change(block.number, lsn, before, block.encode(master.block_size)))
        lsn += 1
        last, highest = block, max(highest, block.number)
    return changes


def commit(db: Database, table: str, records: int = 1, size: int = 100) -> Committed:
    """One transaction creating ``records`` records of ``size`` bytes in ``table``.

    aimanager.AiFull (3773/3774) when its AI note has nowhere to go; nothing was written then."""
    master = db.ctl.master
    trid = master.next_trid
    area = db.record_area()
    changes = _plan(db, area, table, trid, records, size)
    images = [(area, change.number, change.after) for change in changes]
    if master.ai.enabled:
        try:  # time and lstmod are fixed-width fields: the note's size does not depend on them
            aimanager.make_room(db, notes.Transaction(trid, 0, 0, images, {"records": records}))
        except aimanager.AiSwitchImpossible as full:
            raise aimanager.AiFull(full) from None
    master.next_trid += 1
    bi = db.bi()
    bi.write(notes.Begin(trid, db.next_lsn()))
    for change in changes:
        bi.write(notes.BlockChange(trid, change.lsn, area, change.number, change.before, change.after))
    bi.sync()  # write-ahead: every before image is durable before the first data block changes
    files = db.area_files(area)
    for change in changes:
        files.write(extents.decode_block(change.after, change.number, area))
        master.hiwater[str(area)] = max(master.hiwater.get(str(area), 0), change.number)
        master.next_lsn = change.lsn + 1
    _fault("before-commit")
    stamp = now_us()
    lstmod = db.mark_changed(stamp)
    master.records += records
    extra: notes.CommitExtra = {"hiwater": master.hiwater, "records": master.records, "next_trid": master.next_trid}
    bi.write(notes.Commit(trid, db.next_lsn(), stamp, lstmod, extra))
    bi.sync()
    _fault("after-bi-commit")
    if master.ai.enabled:
        aimanager.append(db, notes.Transaction(trid, stamp, lstmod, images, {"records": records}))
    db.save()
    return Committed(trid, stamp)
