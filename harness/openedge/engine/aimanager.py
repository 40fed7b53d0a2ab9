"""After-imaging: the AI extent lifecycle and the current-sequence counter (semantics §2.1, §4).

An AI switch (fixed extent full, ``aimage new``, online probkup, ``proquiet enable``) marks the BUSY
extent FULL (LOCKED on a replication source), makes the next extent BUSY and increments *current*
(mb_ai.aigennbr). The *expected* sequence (mb_aiseq) is never touched by a switch.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.clock import now_us
from oedr.harness.openedge.dbfiles import aifile, notes
from oedr.harness.openedge.dbfiles.control import ExtentInfo
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.engine import aicheck
from oedr.harness.openedge.errors import DamagedError, StateError

if TYPE_CHECKING:  # the database opens through this module (crash recovery): a type, not an import
    from oedr.harness.openedge.engine.database import Database


class AiSwitchImpossible(StateError):
    """The next AI extent is not EMPTY: the switch cannot happen. The engine's switch-failure lines,
    3773/3774 (semantics §4.4), name the extent it could not switch to."""

    def __init__(self, path: str, state: str) -> None:
        super().__init__(m.AI_CANT_SWITCH.bind(path=path), m.AI_BACKUP_AND_EMPTY.bind())
        self.path = path
        self.state = state


class AiFull(StateError):
    """A write needs a switch and no EMPTY extent can take over: 3773/3774, and nothing was written.

    What a single-user session and crash recovery print; a broker without -aistall shuts down (5350)
    and one with -aistall stalls instead (semantics §4.4)."""

    def __init__(self, full: AiSwitchImpossible) -> None:
        super().__init__(m.AI_CANT_SWITCH.bind(path=full.path), m.AI_BACKUP_AND_EMPTY.bind())
        self.path = full.path


def extents_of(db: Database) -> list[ExtentInfo]:
    return db.ctl.ai_extents()


def header(ext: ExtentInfo, db: Database) -> aifile.AiHeader:
    try:
        return aifile.read_header(Path(ext.path))
    except (FrameError, OSError) as exc:
        raise DamagedError(m.RF_DAMAGED.bind(path=ext.path, reason=str(exc))) from None


def busy(db: Database) -> ExtentInfo:
    return extents_of(db)[db.ctl.master.ai.busy_extent - 1]


def next_extent(db: Database) -> ExtentInfo:
    exts = extents_of(db)
    return exts[db.ctl.master.ai.busy_extent % len(exts)]


def begin(db: Database) -> None:
    """AIMAGE BEGIN: every extent EMPTY, extent 1 BUSY as file number 1 (semantics §3.4)."""
    master = db.ctl.master
    if master.ai.enabled:
        raise StateError(m.AI_ALREADY_ENABLED.bind(db=db.name.display))
    exts = extents_of(db)
    if not exts:
        raise StateError(m.AI_NO_EXTENTS.bind(db=db.name.display))
    if master.chgd:
        raise StateError(m.AI_NEEDS_BACKUP.bind(db=db.name.display))
    stamp = now_us()
    for ext in exts:
        aifile.reset(
            Path(ext.path),
            aifile.AiHeader(db_id=master.db_id, extent=ext.number, blksize=master.block_size),
            ext.fixed,
            ext.size_kb,
        )
    master.ai.enabled, master.ai.aibegin, master.ai.ainew, master.ai.aiopen = True, stamp, stamp, stamp
    master.ai.current_seq, master.ai.busy_extent, master.ai.switch_failed = 1, 1, False
    # Transactions committed before AIMAGE BEGIN belong to the backup, never to this chain.
    _make_busy(db, exts[0], 1, stamp, prev_trid=master.next_trid - 1)


def _make_busy(db: Database, ext: ExtentInfo, seq: int, stamp: int, prev_trid: int) -> None:
    master = db.ctl.master
    aicheck.record(db.ctl, aifile.Written())  # mb_aictr = 0 (semantics §4.3), nothing written yet
    aifile.write_header(
        Path(ext.path),
        aifile.AiHeader(
            db_id=master.db_id,
            extent=ext.number,
            state=aifile.BUSY,
            seq=seq,
            aibegin=master.ai.aibegin,
            ainew=stamp,
            aiopen=stamp,
            lstmod=master.lstmod,
            blksize=master.block_size,
            prev_trid=prev_trid,
        ),
    )


def seal_busy(db: Database, state: str = aifile.FULL) -> int:
    """Close the BUSY extent: logical EOF and the checksum over its notes go into its header.

    Returns the newest trid the chain holds up to and including this file. A BUSY extent that does not
    match the master block is not switched away from (aicheck: DamagedError, nothing changed)."""
    ext = busy(db)
    written = aicheck.verify_busy(db.ctl)
    head = header(ext, db)
    found, end, crc = aifile.scan(Path(ext.path), upto=written.end)
    head.state, head.eof, head.notes, head.notes_crc = state, end, len(found), crc
    aifile.write_header(Path(ext.path), head)
    return found[-1].trid if found else head.prev_trid


def last_trid(db: Database) -> int:
    """The newest transaction the AI chain holds (crash recovery writes only the ones after it)."""
    ext = busy(db)
    found = aifile.intact_notes(Path(ext.path))
    newest = found[-1].trid if found else header(ext, db).prev_trid
    for other in extents_of(db):  # older files still on disk (headers written before prev_trid existed)
        if other.number != ext.number:
            newest = max([newest] + [n.trid for n in aifile.intact_notes(Path(other.path))])
    return newest


def switch(db: Database) -> ExtentInfo:
    """Switch to the next extent; AiSwitchImpossible (nothing changed) if it is not EMPTY."""
    master = db.ctl.master
    if not master.ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=db.name.display))
    target = next_extent(db)
    state = header(target, db).state
    if state != aifile.EMPTY or target.number == master.ai.busy_extent:
        raise AiSwitchImpossible(target.path, state if target.number != master.ai.busy_extent else aifile.BUSY)
    db.close_ai_writer()
    prev_trid = seal_busy(db, aifile.LOCKED if master.replication == "source" else aifile.FULL)
    stamp = max(now_us(), master.ai.ainew + 1)
    master.ai.current_seq += 1
    master.ai.busy_extent = target.number
    master.ai.ainew = master.ai.aiopen = stamp
    master.ai.switch_failed = False
    _make_busy(db, target, master.ai.current_seq, stamp, prev_trid)
    db.save()
    db.log(m.AI_SWITCHED.bind(path=target.path), m.AI_FILE_NUMBER.bind(seq=master.ai.current_seq))
    return target


def end(db: Database) -> None:
    """AIMAGE END: after-imaging off, every extent EMPTY, replication and AI management off too."""
    master = db.ctl.master
    if not master.ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=db.name.display))
    db.close_ai_writer()
    for ext in extents_of(db):
        aifile.reset(
            Path(ext.path),
            aifile.AiHeader(db_id=master.db_id, extent=ext.number, blksize=master.block_size),
            ext.fixed,
            ext.size_kb,
        )
    disable_state(db)


def disable_state(db: Database) -> None:
    """Clear the AI fields of the master block (GEMINI rlaoff); the extents are left as they are."""
    master = db.ctl.master
    master.ai.enabled, master.ai.management = False, False
    master.ai.arc_dirs, master.ai.arc_interval = [], 0
    master.ai.aibegin = master.ai.ainew = master.ai.aiopen = 0
    master.ai.current_seq, master.ai.busy_extent, master.ai.switch_failed = 0, 0, False
    aicheck.record(db.ctl, aifile.Written(0))
    master.replication = ""


def find_extent(db: Database, what: str | None) -> ExtentInfo:
    """An AI extent by number or path; None means the oldest FULL one."""
    exts = extents_of(db)
    if what is None:
        # The oldest FULL one; a LOCKED one is not full (DOC), but when only LOCKED ones wait, it is named.
        for states in ((aifile.FULL,), (aifile.LOCKED,)):
            found = [(header(e, db).seq, e) for e in exts if header(e, db).state in states]
            if found:
                return min(found, key=lambda pair: pair[0])[1]
        raise StateError(m.AI_NO_FULL.bind())
    for ext in exts:
        if names_extent(what, ext):
            return ext
    raise StateError(m.AI_EXTENT_UNKNOWN.bind(extent=what, db=db.name.display))


def names_extent(what: str, ext: ExtentInfo) -> bool:
    """``what`` (an extent number or path, as the DBA typed it) is this AI extent."""
    if what.isascii() and what.isdigit() and len(what) < 10 and int(what) == ext.number:
        return True
    return Path(what).name == Path(ext.path).name and (
        Path(what).resolve() == Path(ext.path).resolve() or "/" not in what
    )


def empty(db: Database, what: str | None) -> ExtentInfo:
    """AIMAGE EXTENT EMPTY: a FULL extent back to EMPTY; never the BUSY one, nor one LOCKED by replication
    until it has been replicated (DOC 13.0: "If an extent is marked LOCKED by OpenEdge Replication, it cannot
    be emptied with this command")."""
    master = db.ctl.master
    if master.ai.management:
        raise StateError(m.AI_EMPTY_MANAGED.bind())
    ext = find_extent(db, what)
    head = header(ext, db)
    if head.state == aifile.BUSY:
        raise StateError(m.AI_CANT_EMPTY_BUSY.bind(path=ext.path))
    if head.state == aifile.LOCKED:
        raise StateError(m.AI_CANT_EMPTY_LOCKED.bind(path=ext.path))
    aifile.reset(
        Path(ext.path),
        aifile.AiHeader(db_id=master.db_id, extent=ext.number, blksize=master.block_size),
        ext.fixed,
        ext.size_kb,
    )
    return ext


def make_room(db: Database, note: notes.Transaction) -> None:
    """Before a transaction commits: switch when its note does not fit in the BUSY (fixed) extent.

    AiSwitchImpossible when no EMPTY extent can take over; nothing was written then. Done before the
    commit changes the last-change stamp, so the new file's header carries the stamp the previous file
    ends with (roll forward compares the two: 831-833)."""
    if not db.ai_writer().fits(note):
        switch(db)


def append(db: Database, note: notes.Transaction) -> None:
    """Write a committed transaction to the BUSY extent, switching first when a fixed extent is full."""
    make_room(db, note)
    writer = db.ai_writer()
    writer.write(note)
    aicheck.record(db.ctl, writer.written())
