"""Is the BUSY after-image extent the one the master block describes? Checked before any note is appended.

The master block records the BUSY extent's number, its sequence and open date (mb_ai.aigennbr, aiopen) and
where its notes end (mb_aiwrtloc, mb_aictr and the running checksum over them). A user session (the broker, a
single-user client), crash recovery, and every AI switch check the extent against it first: a header that
is not this database's BUSY file of that sequence is "not the correct after-image file" (the broker's refusal,
GEMINI, semantics §3.1), and a file shorter than the write position, or whose notes fail their checksums or end
elsewhere, is damaged (90151, emulator-assigned). Either way nothing is appended and nothing switches: the
transactions already acknowledged are in that file, and writing after a damaged or cut note would bury them
in a file roll forward must refuse. The check rereads the whole extent, so a writer repeats it only when the
file changed since its own last write (``AiWriter.changed_by_others``).

That OpenEdge checks the notes this way is [inferred]: its AI blocks carry their own headers and the broker
positions at mb_aiwrtloc; the emulator's per-note checksums stand in for that.
"""

from __future__ import annotations

from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.dbfiles import aifile
from oedr.harness.openedge.dbfiles.control import Control
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.errors import DamagedError


def _damaged(path: str, reason: str, *first: m.Bound) -> DamagedError:
    return DamagedError(*first, m.AI_BUSY_DAMAGED.bind(path=path, reason=reason))


def _header_problem(ctl: Control, number: int, head: aifile.AiHeader) -> str | None:
    ai = ctl.master.ai
    if head.db_id != ctl.master.db_id or head.extent != number:
        return "its header belongs to another database or extent"
    if head.state != aifile.BUSY:
        return f"its header says {head.state}, the master block says BUSY"
    if head.seq != ai.current_seq:
        return f"its header says file number {head.seq}, the master block says {ai.current_seq}"
    if head.aiopen != ai.aiopen:
        return "its last-opened date is not the one the master block records"
    return None


def verify_busy(ctl: Control) -> aifile.Written:
    """The BUSY extent checked against the master block; what it holds. DamagedError if it does not match."""
    ai = ctl.master.ai
    ext = ctl.ai_extents()[ai.busy_extent - 1]
    path = Path(ext.path)
    try:
        head = aifile.read_header(path)
    except (FrameError, OSError) as exc:
        raise _damaged(ext.path, f"its header cannot be read ({exc})", m.RF_NOT_AI_FILE.bind(path=ext.path)) from None
    problem = _header_problem(ctl, ext.number, head)
    if problem is not None:
        raise _damaged(ext.path, problem, m.RF_NOT_AI_FILE.bind(path=ext.path))
    # wrtloc 0: nothing recorded (a control area from before the write position was kept): any intact notes
    recorded = aifile.Written(ai.wrtloc, ai.notes, ai.notes_crc) if ai.wrtloc else aifile.Written()
    try:
        return aifile.check_written(path, recorded, ext.size_kb * 1024 if ext.fixed else None)
    except (FrameError, OSError) as exc:
        raise _damaged(ext.path, str(exc)) from None


def record(ctl: Control, written: aifile.Written) -> None:
    """The master block's write position, note count and checksum for what the BUSY extent now holds."""
    ai = ctl.master.ai
    ai.wrtloc, ai.notes, ai.notes_crc = written.end, written.notes, written.crc
