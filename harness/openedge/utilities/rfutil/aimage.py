"""rfutil -C aimage begin | end | new | list | extent list | extent empty | extent full | query | scan.

semantics.md §3.4 and §4. begin/end are offline; new and extent empty go through the broker when the
database is served (they are allowed online); list/full/query only read the extent headers.
"""

from __future__ import annotations

import errno
from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import take_params, usage
from oedr.harness.openedge.clock import ctime
from oedr.harness.openedge.dbfiles import aifile, notes
from oedr.harness.openedge.dbfiles.control import Control, ExtentInfo
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.engine import aicheck, aimanager, client
from oedr.harness.openedge.engine.database import Database, OpenOptions, read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import DamagedError, StateError
from oedr.harness.openedge.outcome import Outcome


def _no_args(words: list[str], syntax: str) -> None:
    if words:
        raise usage("rfutil", f"unexpected {words[0]!r}", syntax)


def begin(name: DbName, words: list[str]) -> Outcome:
    _params, rest = take_params("rfutil", words, with_value=["-G", "-aiencryption"])
    _no_args(rest, "rfutil db-name -C aimage begin")
    ctl = read_control(name)
    refuse_if_locked(name)
    probe = Database(name, ctl, 0, "rfutil")
    if ctl.master.ai.enabled:
        raise StateError(m.AI_ALREADY_ENABLED.bind(db=name.display))
    if not ctl.ai_extents():
        raise StateError(m.AI_NO_EXTENTS.bind(db=name.display))
    if ctl.master.chgd:
        raise StateError(m.AI_NEEDS_BACKUP.bind(db=probe.name.display))
    db = Database.open(name, OpenOptions("rfutil", log_session=True))
    with db.session():
        aimanager.begin(db)
        message = m.AI_BEGUN.bind(db=name.display)
        db.log(message)
    return Outcome(0, [*db.messages, message])


# aimage end and aimage extent empty touch only the AI extents and the master block's AI fields, so they
# do not run crash recovery: after a shutdown on a full AI (5350) crash recovery itself needs an EMPTY
# extent, and these are how the DBA gives it one (KB-P154904). The database stays crashed; the next open
# (proserve) recovers it.
_AI_ONLY = OpenOptions("rfutil", recover=False, log_session=True)


def end(name: DbName, words: list[str]) -> Outcome:
    _no_args(words, "rfutil db-name -C aimage end")
    ctl = read_control(name)
    refuse_if_locked(name)
    if not ctl.master.ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=name.display))
    db = Database.open(name, _AI_ONLY)
    with db.session():
        aimanager.end(db)
        db.log(m.AI_ENDED.bind())
    return Outcome(0, [*db.messages, m.AI_ENDED.bind()])


def _switch_lines(path: str, seq: int) -> list[m.Bound]:
    return [m.AI_SWITCHED.bind(path=path), m.AI_FILE_NUMBER.bind(seq=seq)]


def new(name: DbName, words: list[str]) -> Outcome:
    """Switch to the next extent, through the broker when the database is served.

    A next extent that is not EMPTY refuses the switch with the engine's switch-failure lines 3773/3774
    (KB-P154904, confirmed texts); that rfutil aimage new prints these same two lines is [inferred]."""
    _no_args(words, "rfutil db-name -C aimage new")
    ctl = read_control(name)
    if client.served_here(name):
        with client.connect(name) as broker:
            seq = int(broker.request("aimage_new")["seq"])
        target = ctl.ai_extents()[(seq - 1) % len(ctl.ai_extents())] if ctl.ai_extents() else None
        return Outcome(0, _switch_lines(target.path if target else "", seq))
    refuse_if_locked(name)
    if not ctl.master.ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=name.display))
    db = Database.open(name, OpenOptions("rfutil", log_session=True))
    with db.session():
        target = aimanager.switch(db)
        seq = db.ctl.master.ai.current_seq
    return Outcome(0, [*db.messages, *_switch_lines(target.path, seq)])


def extent_empty(name: DbName, words: list[str]) -> Outcome:
    if len(words) > 1:
        raise usage("rfutil", f"unexpected {words[1]!r}", "rfutil db-name -C aimage extent empty [number|path]")
    what = words[0] if words else None
    if client.served_here(name):
        with client.connect(name) as broker:
            path = str(broker.request("aimage_empty", extent=what)["path"])
        return Outcome(0, [m.AI_MARKED_EMPTY.bind(name=path)])
    ctl = read_control(name)
    refuse_if_locked(name)
    if not ctl.master.ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=name.display))
    if what is not None and not any(aimanager.names_extent(what, ext) for ext in ctl.ai_extents()):
        raise StateError(m.AI_EXTENT_UNKNOWN.bind(extent=what, db=name.display))  # before the open changes anything
    db = Database.open(name, _AI_ONLY)
    with db.session():
        ext = aimanager.empty(db, what)
        db.log(m.AI_MARKED_EMPTY.bind(name=ext.path))
    return Outcome(0, [*db.messages, m.AI_MARKED_EMPTY.bind(name=ext.path)])


def _headers(name: DbName) -> list[tuple[ExtentInfo, aifile.AiHeader, int]]:
    ctl = read_control(name)
    rows = []
    for ext in ctl.ai_extents():
        try:
            head = aifile.read_header(Path(ext.path))
            used = aifile.tail_offset(Path(ext.path)) if head.state != aifile.EMPTY else 0
        except (FrameError, OSError) as exc:
            raise DamagedError(m.RF_DAMAGED.bind(path=ext.path, reason=str(exc))) from None
        rows.append((ext, head, used))
    return rows


def _size_kb(ext: ExtentInfo) -> int:
    return ext.size_kb if ext.fixed else max(Path(ext.path).stat().st_size // 1024, 0)


def extent_list(name: DbName, words: list[str]) -> Outcome:
    """The 11.7+/12.x listing (semantics §4.5); no information when AI is disabled (DOC 12.8)."""
    _no_args(words, "rfutil db-name -C aimage extent list")
    ctl = read_control(name)
    if not ctl.master.ai.enabled:
        return Outcome(0, [m.AI_LIST_DISABLED.bind(db=name.display)])
    text: list[str] = []
    for ext, head, used in _headers(name):
        text += [
            f"Extent:  {ext.number}",
            f"Status:  {head.state.capitalize()}",
            f"  Type:  {'Fixed Length' if ext.fixed else 'Variable Length'}",
            f"  Path:  {ext.path}",
            f"  Size:  {_size_kb(ext)}",
            f"  Used:  {(used - aifile.HEADER_SIZE) // 1024 if used else 0}",
            f" Start:  {ctime(head.ainew) if head.state != aifile.EMPTY else 'N/A'}",
            f"LastOp:  {ctime(head.aiopen) if head.state == aifile.BUSY else 'N/A'}",
            f" Seqno:  {head.seq if head.state != aifile.EMPTY else 0}",
            "",
        ]
    return Outcome(0, text=text)


def extent_full(name: DbName, words: list[str]) -> Outcome:
    """The path of the oldest FULL extent: the next one to archive (LOCKED ones are not FULL)."""
    _no_args(words, "rfutil db-name -C aimage extent full")
    full = [(head.seq, ext.path) for ext, head, _used in _headers(name) if head.state == aifile.FULL]
    if not full:
        raise StateError(m.AI_NO_FULL.bind())
    return Outcome(0, text=[min(full)[1]])


QUERY_OPTIONS = ("extnum", "status", "type", "size", "used", "name", "sequence", "startdate", "all")
SEARCH_OPTIONS = ("extnum", "name", "sequence")


def _query_value(option: str, ext: ExtentInfo, head: aifile.AiHeader, used: int) -> str:
    values = {
        "extnum": str(ext.number),
        "status": head.state.capitalize(),
        "type": "Fixed Length" if ext.fixed else "Variable Length",
        "size": str(_size_kb(ext)),
        "used": str((used - aifile.HEADER_SIZE) // 1024 if used else 0),
        "name": ext.path,
        "sequence": str(head.seq if head.state != aifile.EMPTY else 0),
        "startdate": ctime(head.ainew) if head.state != aifile.EMPTY else "N/A",
    }
    if option == "all":
        return "  ".join(values[o] for o in QUERY_OPTIONS[:-1])
    return values[option]


def query(name: DbName, words: list[str]) -> Outcome:
    syntax = (
        "rfutil db-name -C aimage query {extnum|status|type|size|used|name|sequence|startdate|all} "
        "by {extnum|name|sequence} value"
    )
    lowered = [w.lower() for w in words]
    if len(words) != 4 or lowered[1] != "by" or lowered[0] not in QUERY_OPTIONS or lowered[2] not in SEARCH_OPTIONS:
        raise usage("rfutil", "bad aimage query", syntax)
    option, search, value = lowered[0], lowered[2], words[3]
    for ext, head, used in _headers(name):
        key = {
            "extnum": str(ext.number),
            "name": ext.path,
            "sequence": str(head.seq if head.state != aifile.EMPTY else 0),
        }[search]
        if key == value or (search == "name" and Path(value).name == Path(ext.path).name and "/" not in value):
            return Outcome(0, text=[_query_value(option, ext, head, used)])
    raise StateError(m.AI_EXTENT_UNKNOWN.bind(extent=value, db=name.display))


def header_lines(head: aifile.AiHeader) -> list[m.Bound]:
    """1633/1640/[1641]/1642/1643 as scan and roll forward print them (1641 absent for file 1)."""
    lines = [m.AI_DATES.bind(), m.AI_LAST_BEGIN.bind(date=ctime(head.aibegin))]
    if head.seq > 1:
        lines.append(m.AI_LAST_NEW.bind(date=ctime(head.ainew)))
    lines += [m.AI_FILE_SEQ.bind(seq=head.seq), m.AI_LAST_OPENED.bind(date=ctime(head.aiopen))]
    return lines


def totals(count: int, transactions: int) -> list[m.Bound]:
    # Emulated AI notes are whole committed transactions, so none is ever left in flight.
    return [
        m.NOTES_PROCESSED.bind(n=count),
        m.INFLIGHT.bind(n=0),
        m.TX_STARTED.bind(n=transactions),
        m.TX_COMPLETED.bind(n=transactions),
        m.TX_STILL_ACTIVE.bind(n=0),
    ]


def _is_own_busy(ctl: Control, path: Path) -> bool:
    if not ctl.master.ai.enabled or not ctl.ai_extents():
        return False
    own = Path(ctl.ai_extents()[ctl.master.ai.busy_extent - 1].path)
    return path.exists() and own.exists() and path.resolve() == own.resolve()


def _check_notes(
    ctl: Control, path: Path, head: aifile.AiHeader, found: list[notes.Transaction], end: int, crc: int
) -> None:
    """Damage scan reports though every note's own checksum holds: a switched file whose notes are not the ones
    its header sealed (count, end, checksum over them, as roll forward checks), and this database's BUSY file
    when it does not match what the master block recorded (cut at a note boundary, or written after damage)."""
    if head.eof and (end != head.eof or len(found) != head.notes or crc != head.notes_crc):
        raise DamagedError(m.RF_DAMAGED.bind(path=str(path), reason="checksum over its notes does not match"))
    if head.state == aifile.BUSY and _is_own_busy(ctl, path):
        aicheck.verify_busy(ctl)


def scan(name: DbName, words: list[str]) -> Outcome:
    """aimage scan [verbose] -a file: header dates and totals; the database must be down (KB-P19578)."""
    params, rest = take_params("rfutil", words, with_value=["-a"], keywords=["verbose"])
    if rest or "-a" not in params:
        raise usage("rfutil", "aimage scan needs -a ai-file", "rfutil db-name -C aimage scan [verbose] -a ai-file")
    ctl = read_control(name)
    refuse_if_locked(name)
    path = Path(params["-a"])
    try:
        head = aifile.read_header(path)
    except OSError as exc:  # the real errno: 2 missing, 21 a directory, 13 no permission
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(path), errno=exc.errno or errno.EIO)) from None
    except FrameError:  # no after-image header at all (a .db, a .d1, any other file): as roll forward says
        raise DamagedError(m.RF_NOT_AI_FILE.bind(path=str(path))) from None
    if head.version != aifile.AI_VERSION:
        raise DamagedError(m.RF_NOT_AI_FILE.bind(path=str(path)))
    try:
        found, _end, _crc = aifile.scan(path)
    except OSError as exc:
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(path), errno=exc.errno or errno.EIO)) from None
    except FrameError as exc:  # an after-image file whose notes are damaged
        raise DamagedError(m.RF_DAMAGED.bind(path=str(path), reason=str(exc))) from None
    if head.eof and path.stat().st_size < head.eof:  # a switched file cut short, even at a note boundary
        raise DamagedError(m.RF_INCOMPLETE.bind(expected=head.eof, actual=path.stat().st_size))
    _check_notes(ctl, path, head, found, _end, _crc)
    lines = header_lines(head)
    if "verbose" in params:
        for note in found:
            lines.append(m.SCAN_NOTE.bind(trid=note.trid, time=ctime(note.time), blocks=len(note.images)))
            lines += [
                m.SCAN_BLOCK.bind(trid=note.trid, area=area, dbkey=block, counter=note.trid)
                for area, block, _image in note.images
            ]
    return Outcome(0, lines + totals(len(found), len(found)))
