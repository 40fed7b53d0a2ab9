"""rfutil -C roll forward [retry] [verbose] [endtime t | endtrans n] -a ai-file (semantics §5).

Checks, in the order of §5.2, before anything is applied: the database is not in use; the file opens and
is an after-image file; it is not EMPTY or BUSY; its notes are intact and complete; its block size is the
database's (90053); an interrupted roll forward is finished with ``retry`` only; its sequence number is the
expected one (8019); its last-change stamp matches the database's (831/832/833; skipped only by a
``retry`` of the very file whose roll forward was interrupted, GEMINI); it was written by this database
(90053). Every refusal ends with 11014. A refused file changes no data; the first roll forward disables
after-imaging before the sequence and date checks, so even a refused first attempt leaves AI off (F2).

A successful first roll forward ends with the AI-disabled block (663/648/659/[13292]/846), where
KB-P115048 prints it (§5.3a); a refused first roll forward prints it before its refusal (emulator choice:
AI is turned off as the database is opened for roll forward, F2).

The database-identity check is an emulator choice placed after the sequence and date checks, so that a
file of another database shows what the KBs show (8019, or 831-833); it is what refuses such a file under
``retry``, where the date check is skipped. GEMINI's text (90053) is used for it.

``retry`` skips the date check (GEMINI) where it resumes a file: the one whose roll forward was
interrupted, or a file the database's last change lies inside (a note of the file carries the database's
last-change stamp). That is the file BUSY at a ``proquiet enable nolock`` quiet point, which the DOC says
to apply with ROLL FORWARD RETRY (§3.7, §6.3): the notes up to that change are already in the copy, and
the retry applies the rest. Otherwise ``retry`` is a plain roll forward, dates checked (another database's
or another baseline's file has no such note, and is refused with 831-833).

``oplock`` (11.x, §3.4) protects the database from the first ``roll forward oplock`` until ``rfutil -C roll
opunlock``: only roll forward opens it meanwhile (``Database.open``). That the protection lasts until
opunlock, across roll forward sessions, is an emulator choice: OpenEdge releases it after "the final roll
forward session", which the emulator cannot tell from another one. ``-ailist`` applies the AI files its
list names in sequence order (DOC); a file that is not an after-image file is skipped with a warning, and
the first refusal ends the list.
"""

from __future__ import annotations

import errno
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import number, take_params, usage
from oedr.harness.openedge.clock import ctime, parse_endtime
from oedr.harness.openedge.dbfiles import aifile, notes
from oedr.harness.openedge.dbfiles.control import Control
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.engine import aimanager, recovery
from oedr.harness.openedge.engine.database import Database, OpenOptions, read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.engine.imagebatch import ImageBatch
from oedr.harness.openedge.errors import DamagedError, OEError, StateError, UsageError
from oedr.harness.openedge.outcome import Outcome
from oedr.harness.openedge.utilities.rfutil import ailist
from oedr.harness.openedge.utilities.rfutil.aimage import header_lines, totals

SYNTAX = (
    "rfutil db-name -C roll forward [oplock] [retry] [verbose] [endtime yyyy:mm:dd:hh:mm:ss | endtrans n] "
    "{-a ai-file | -ailist listfile}"
)


@dataclass(frozen=True)
class Request:
    path: Path
    retry: bool
    verbose: bool
    endtime: int | None
    endtrans: int | None
    oplock: bool = False
    ailist: Path | None = None  # -ailist: ``path`` is then each listed file in turn


def parse(words: list[str], retry: bool, oplock: bool = False) -> Request:
    params, rest = take_params(
        "rfutil",
        words,
        with_value=["-a", "endtime", "endtrans", "-B", "-ailist"],
        flags=["-r"],
        keywords=["verbose", "retry", "oplock"],
    )
    if rest:
        raise usage("rfutil", f"unexpected {rest[0]!r}", SYNTAX)
    if "-a" in params and "-ailist" in params:
        raise usage("rfutil", "give -a or -ailist, not both", SYNTAX)
    if "-a" not in params and "-ailist" not in params:
        raise UsageError(m.RF_AI_MISSING.bind())
    if "endtime" in params and "endtrans" in params:
        raise usage("rfutil", "give endtime or endtrans, not both", SYNTAX)
    endtime = None
    if "endtime" in params:
        endtime = parse_endtime(params["endtime"])
        if endtime is None:
            raise usage("rfutil", f"endtime {params['endtime']!r} is not yyyy:mm:dd:hh:mm:ss", SYNTAX)
    endtrans = number("rfutil", "endtrans", params["endtrans"], minimum=1) if "endtrans" in params else None
    ailist = Path(params["-ailist"]) if "-ailist" in params else None
    return Request(
        Path(params.get("-a", "")),
        retry or "retry" in params,
        "verbose" in params,
        endtime,
        endtrans,
        oplock or "oplock" in params,
        ailist,
    )


def _refused(path: Path, *messages: m.Bound, error: type[OEError] = StateError) -> OEError:
    return error(*messages, m.RF_OPEN_ERROR.bind(path=str(path)))


def read_file(path: Path) -> tuple[aifile.AiHeader, list[notes.Transaction]]:
    """Header and notes, with the file-level refusals (not an AI file, EMPTY, BUSY, damaged, incomplete)."""
    try:
        head = aifile.read_header(path)
    except OSError as exc:
        raise _refused(path, m.CANNOT_OPEN_FILE.bind(path=str(path), errno=exc.errno or errno.EIO)) from None
    except FrameError:
        raise _refused(path, m.RF_NOT_AI_FILE.bind(path=str(path)), error=DamagedError) from None
    if head.version != aifile.AI_VERSION:
        raise _refused(path, m.RF_NOT_AI_FILE.bind(path=str(path)), error=DamagedError)
    if head.state == aifile.EMPTY:
        raise _refused(path, m.RF_EMPTY_EXTENT.bind())
    if head.state == aifile.BUSY:
        raise _refused(path, m.RF_BUSY_FILE.bind(path=str(path)))
    if path.stat().st_size < head.eof:  # a copy cut short: report it as incomplete, not as damaged notes
        raise _refused(path, m.RF_INCOMPLETE.bind(expected=head.eof, actual=path.stat().st_size), error=DamagedError)
    try:
        found, end, crc = aifile.scan(path)
    except (FrameError, OSError) as exc:
        raise _refused(path, m.RF_DAMAGED.bind(path=str(path), reason=str(exc)), error=DamagedError) from None
    if end < head.eof or len(found) < head.notes:
        raise _refused(path, m.RF_INCOMPLETE.bind(expected=head.eof, actual=end), error=DamagedError)
    if end != head.eof or crc != head.notes_crc or len(found) != head.notes:
        raise _refused(
            path, m.RF_DAMAGED.bind(path=str(path), reason="checksum over its notes does not match"), error=DamagedError
        )
    return head, found


def resumes_inside(master_lstmod: int, head: aifile.AiHeader, found: list[notes.Transaction]) -> int | None:
    """How many notes of the file the database already holds, when its last change lies inside the file (a
    copy taken at a ``proquiet enable nolock`` quiet point); None when it does not."""
    if head.lstmod == master_lstmod:
        return None  # the file starts where the database is: a plain roll forward
    for index, note in enumerate(found):
        if note.lstmod == master_lstmod:
            return index + 1
    return None


def check_against(
    ctl: Control, name: DbName, request: Request, head: aifile.AiHeader, found: list[notes.Transaction] | None = None
) -> None:
    """Database-level refusals: endpoint passed, block size, interrupted run, sequence (8019), dates
    (831-833), the database that wrote the file (90053)."""
    master = ctl.master
    path = request.path
    if master.rf.endpoint:
        raise _refused(path, m.RF_ENDPOINT.bind(date=ctime(master.rf.endpoint)))
    if head.blksize and head.blksize != master.block_size:
        raise _refused(path, m.RF_WRONG_DB.bind())
    if master.rf.in_progress_seq and not request.retry:
        raise _refused(path, m.RF_NEEDS_RETRY.bind(seq=master.rf.in_progress_seq, db=name.display))
    if head.seq != master.ai.expected:
        raise _refused(path, m.RF_EXPECTED_SEQ.bind(expected=master.ai.expected, actual=head.seq))
    # Only a file retry resumes may differ in date: its notes were partly applied (an interrupted run), or
    # partly held already (the file busy at a nolock quiet point).
    resuming = request.retry and (
        master.rf.in_progress_seq == head.seq or resumes_inside(master.lstmod, head, found or []) is not None
    )
    if not resuming and head.lstmod != master.lstmod:
        raise _refused(
            path,
            m.RF_DB_CHANGED.bind(date=ctime(master.lstmod)),
            m.RF_AI_EXPECTED.bind(date=ctime(head.lstmod)),
            m.RF_DATES_DONT_MATCH.bind(),
        )
    if head.db_id != master.db_id:
        raise _refused(path, m.RF_WRONG_DB.bind())


def _fault_after() -> int | None:
    """Emulator-only fault injection: OEDR_FAULT=rollforward:N kills the roll forward after N notes."""
    fault = os.environ.get("OEDR_FAULT", "")
    return int(fault.split(":", 1)[1]) if fault.startswith("rollforward:") else None


def _killed(batch: ImageBatch) -> None:
    """The injected fault: the blocks of the notes applied so far reach the disk first, as they would one by one."""
    batch.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _stops_before(note: notes.Transaction, request: Request) -> bool:
    if request.endtrans is not None and note.trid >= request.endtrans:
        return True
    return request.endtime is not None and note.time >= request.endtime


def _disable_ai(db: Database) -> list[m.Bound]:
    """The first roll forward turns after-imaging off on the target (KB-P115048 §5.3a).

    13292 is printed only when AI File Management was on (``rfutil -C aiarchiver enable``, ``probkup online …
    enableaiarchiver``) in the copy rolled forward; KB-P115048 shows the five lines together [inferred]."""
    ai = db.ctl.master.ai
    if not ai.enabled:
        return []
    lines = [m.RF_DISABLES_AI.bind(), m.RF_REENABLE.bind(), m.RF_CONTINUED.bind()]
    if ai.management:
        lines.append(m.RF_AIMGT_DISABLED.bind())
    lines.append(m.AI_ENDED.bind())
    aimanager.disable_state(db)
    return lines


def apply(db: Database, request: Request, head: aifile.AiHeader, found: list[notes.Transaction]) -> list[m.Bound]:
    master = db.ctl.master
    lines = [m.RF_BEGIN_FILE.bind(path=str(request.path)), *header_lines(head)]
    # A retry on the file a nolock copy's last change lies inside: the notes up to it are already there.
    held = resumes_inside(master.lstmod, head, found) if request.retry and not master.rf.in_progress_seq else None
    master.rf.in_progress_seq = head.seq
    db.save(sync=True)
    applied, stopped_at = 0, None
    kill_after = _fault_after()
    batch = ImageBatch(db)  # each block written once, however many notes change it (engine.imagebatch)
    for note in found[held or 0 :]:
        if _stops_before(note, request):
            stopped_at = note
            break
        for area, block, image in note.images:
            batch.add(area, block, image)
        master.lstmod = note.lstmod
        master.records += int(note.extra.get("records", 0))
        master.next_trid = max(master.next_trid, note.trid + 1)
        applied += 1
        if request.verbose:
            lines.append(m.SCAN_NOTE.bind(trid=note.trid, time=ctime(note.time), blocks=len(note.images)))
        if applied == kill_after:
            _killed(batch)
    batch.flush()
    master.chgd = True
    recovery.rewrite_bi_header(db)  # before the master stops saying "in progress" (recovery.py)
    master.rf.in_progress_seq = 0
    master.rf.applied_files += 1
    lines += totals(applied, applied)
    if stopped_at is not None:
        point = request.endtime if request.endtime is not None else stopped_at.time
        master.rf.endpoint = point
        lines.append(m.RF_ENDPOINT.bind(date=ctime(point)))
    else:
        master.ai.expected_seq = head.seq + 1
    return lines


def _run(name: DbName, words: list[str], retry: bool) -> Outcome:
    """File-level refusals change nothing; once the database is opened for roll forward, after-imaging
    is turned off first, so a sequence or date refusal leaves AI disabled (semantics §6.6 F2: after a
    failed roll forward `rfutil -C sequence` is impossible and the copy must be taken again)."""
    return run_request(name, parse(words, retry))


def run_request(name: DbName, request: Request) -> Outcome:
    if request.ailist is not None:
        return ailist.run(name, request, request.ailist, run_request)
    read_control(name)
    refuse_if_locked(name)
    head, found = read_file(request.path)
    db = Database.open(name, OpenOptions("rfutil", recover=True, rolling_forward=True, log_session=True))
    with db.session():
        disabled = _disable_ai(db)
        locked: list[m.Bound] = []
        if request.oplock and not db.ctl.master.rf.oplock:
            db.ctl.master.rf.oplock = True
            locked.append(m.RF_OPLOCKED.bind())
        db.save(sync=True)
        try:
            check_against(db.ctl, name, request, head, found)
        except OEError as refusal:
            db.log(*locked, *disabled)
            db.log(*refusal.messages, severity="E")
            error = type(refusal)(*locked, *disabled, *refusal.messages, exit_status=refusal.exit_status)
            error.logged = True
            raise error from None
        # KB-P115048 ends a successful first roll forward with the AI-disabled block (§5.3a).
        lines = locked + apply(db, request, head, found) + disabled
        db.log(*lines)
    return Outcome(0, [*db.messages, *lines])


def roll_forward(name: DbName, words: list[str]) -> Outcome:
    return _run(name, words, retry=False)


def roll_forward_retry(name: DbName, words: list[str]) -> Outcome:
    return _run(name, words, retry=True)


def roll_forward_oplock(name: DbName, words: list[str]) -> Outcome:
    return run_request(name, parse(words, retry=False, oplock=True))
