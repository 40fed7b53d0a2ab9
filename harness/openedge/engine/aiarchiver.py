"""AI File Management: the after-image manager a broker runs, and the archiving it shares with rfutil.

Semantics §4.6 and §3.4 (AIARCHIVER, AIARCHIVE). With management on, the broker starts the manager (13194,
13231): it wakes every 5 seconds, copies every FULL extent, oldest first, to the current archive directory
under ``<db directory with / as ~>~<db>.<seq>.<extent file>``, records it in ``<db>.archival.log`` and the
.lg (13199) and marks it EMPTY (3789), or ARCHIVED (13154) on a replication source, whose extents still wait
for the target. In timed mode (``-aiarcinterval`` 120-86400 s) it also switches when the interval has
passed since the last switch. A directory without room for the extent is left for the next one in the list
(13231 again); with none left, 13198, and the extents stay FULL. ``-aistall`` is implied.

Kill-safety: an extent is marked EMPTY only after its copy is complete on disk (written, synced, its size
checked), so a broker killed while copying leaves the extent FULL and the next manager archives it again
(over the partial copy).

Emulator-only knobs: ``OEDR_AIMGT_TIMESCALE=f`` makes one of the manager's seconds last ``f`` real seconds (the
5-second wake and the interval alike), so that a test need not wait for them; ``OEDR_FAULT=aiarchive-kill``
kills the broker after the first chunk of an archive copy; ``OEDR_FAULT=aiarcdir-full:DIR`` makes the
manager take DIR as having no room (a real full disk needs a size-limited file system: the docker backend).
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import take_params
from oedr.harness.openedge.clock import now_us
from oedr.harness.openedge.dbfiles import aifile, diskio
from oedr.harness.openedge.dbfiles.control import Control, ExtentInfo
from oedr.harness.openedge.engine import aimanager, wire
from oedr.harness.openedge.engine.broker import STARTUP, USER_NUMBER, Broker, operation
from oedr.harness.openedge.engine.database import Database
from oedr.harness.openedge.errors import DiskFullError, OEError, StateError, UsageError

WAKE_SECONDS = 5.0  # DOC: the manager wakes every 5 seconds
INTERVAL_MIN, INTERVAL_MAX = 120, 86400  # DOC -aiarcinterval; 0 (or omitted) is on-demand mode
TIMESCALE_ENV = "OEDR_AIMGT_TIMESCALE"
KILL_FAULT = "aiarchive-kill"
FULL_FAULT = "aiarcdir-full:"
AUTOMATIC, MANUAL, MANUAL_NULL, STARTED = "0001", "0003", "0004", "0255"  # archival.log record types (§4.6)
NULL_TARGETS = (os.devnull, "NUL", "NULL")
CHUNK = 1 << 16
PROCESS = "AIMGT"
ARCHIVED = "ARCHIVED"  # the extent state between archive and replication (semantics §4.1)


@dataclass
class Settings:
    """What ``-aiarcdir dirs [-aiarcinterval n] [-aiarcdircreate]`` says."""

    dirs: list[str]
    interval: int | None  # None: not given
    create: bool


def parse_settings(utility: str, words: list[str]) -> tuple[Settings, list[str]]:
    """The archiver's options among ``words``; the other words are returned as they are."""
    params, rest = take_params(utility, words, with_value=["-aiarcdir", "-aiarcinterval"], flags=["-aiarcdircreate"])
    dirs = split_dirs(params["-aiarcdir"]) if "-aiarcdir" in params else []
    interval = check_interval(params["-aiarcinterval"]) if "-aiarcinterval" in params else None
    return Settings(dirs, interval, "-aiarcdircreate" in params), rest


def split_dirs(text: str) -> list[str]:
    """``dir1,dir2``: absolute paths, in order (relative ones from the current directory)."""
    dirs = [os.path.abspath(d) for d in text.split(",") if d.strip()]
    if not dirs:
        raise UsageError(m.AIMGT_NO_DIR.bind(dir=repr(text)))
    return dirs


def check_interval(text: str) -> int:
    if not text.isdigit() or not (int(text) == 0 or INTERVAL_MIN <= int(text) <= INTERVAL_MAX):
        raise UsageError(m.AIMGT_BAD_INTERVAL.bind(value=text))
    return int(text)


def check_dirs(dirs: list[str], create: bool) -> None:
    """Every directory exists, or is created with -aiarcdircreate; nothing is created unless all can be."""
    missing = [d for d in dirs if not Path(d).is_dir()]
    if missing and not create:
        raise StateError(m.AIMGT_NO_DIR.bind(dir=missing[0]))
    for directory in missing:
        Path(directory).mkdir(parents=True, exist_ok=True)


def describe_interval(interval: int) -> str:
    return f"{interval} seconds" if interval else "on demand"


def enable(ctl: Control, db_display: str, settings: Settings) -> m.Bound:
    """Turn management on in the master block (AI must be on); the caller saves it."""
    ai = ctl.master.ai
    if not ai.enabled:
        raise StateError(m.AI_NOT_ENABLED.bind(db=db_display))
    if ai.management:
        raise StateError(m.AIMGT_ALREADY_ENABLED.bind(db=db_display))
    if not settings.dirs:
        raise UsageError(m.AIMGT_NEEDS_DIRS.bind(what="aiarchiver enable"))
    check_dirs(settings.dirs, settings.create)
    ai.management, ai.arc_dirs, ai.arc_interval = True, settings.dirs, settings.interval or 0
    return m.AIMGT_ENABLED.bind(
        db=db_display, dirs=",".join(settings.dirs), interval=describe_interval(ai.arc_interval)
    )


def archive_name(db: Database, ext: ExtentInfo, seq: int) -> str:
    """``usr1~dbs~sales.03.sales.a3`` for file 3 of /usr1/dbs/sales in sales.a3 (DOC, 10.1C+ form)."""
    return f"{str(db.name.directory).strip('/').replace('/', '~')}~{db.name.stem}.{seq:02d}.{Path(ext.path).name}"


def timescale() -> float:
    try:
        return max(float(os.environ.get(TIMESCALE_ENV, "1") or 1), 0.001)
    except ValueError:
        return 1.0


def _stamp(stamp_us: int) -> tuple[str, str]:
    local = time.localtime(stamp_us / 1_000_000)
    return time.strftime("%Y%m%d", local), time.strftime("%H%M%S", local)


def archival_log(db: Database) -> Path:
    return db.name.directory / f"{db.name.stem}.archival.log"


def _log_record(db: Database, kind: str, seq: int, ext: ExtentInfo, target: str) -> None:
    """``type,database,date,time,aibegin-date,aibegin-time,aiseq,extent-name,target-extent-name`` (10.1C02+)."""
    date, clock = _stamp(now_us())
    begin_date, begin_clock = _stamp(db.ctl.master.ai.aibegin)
    _append(
        archival_log(db),
        f"{kind},{db.name.directory / db.name.stem},{date},{clock},{begin_date},"
        f"{begin_clock},{seq},{ext.path},{target}\n",
    )


def log_started(db: Database) -> None:
    """The header the manager writes as it starts (DOC sample: the date in words, then a 0255 record whose
    last field is taken to be the AIMAGE BEGIN time [inferred])."""
    stamp = now_us()
    date, clock = _stamp(stamp)
    words = time.strftime("%A %B %d, %Y at %H:%M:%S", time.localtime(stamp / 1_000_000))
    _append(
        archival_log(db),
        f"# After-image Extent Manager started on : {words}\n"
        f"# {STARTED},{date},{clock},{_stamp(db.ctl.master.ai.aibegin)[1]}\n",
    )


def _append(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        diskio.append(fd, text.encode(), path)
    finally:
        os.close(fd)


def _no_room(directory: str, size: int) -> bool:
    if os.environ.get("OEDR_FAULT", "") == FULL_FAULT + directory:
        return True
    try:
        return shutil.disk_usage(directory).free < size
    except OSError:
        return True


def _copy(source: Path, target: Path) -> None:
    """Copy the extent; synced and its size checked before anyone may mark the extent EMPTY."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with source.open("rb") as src:
            offset = 0
            while chunk := src.read(CHUNK):
                diskio.pwrite(fd, chunk, offset, target)
                offset += len(chunk)
                if os.environ.get("OEDR_FAULT", "") == KILL_FAULT:
                    os.kill(os.getpid(), signal.SIGKILL)  # a broker killed half-way through an archive copy
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    if target.stat().st_size != source.stat().st_size:
        raise OSError(f"incomplete copy of {source}")


def mark_archived(db: Database, ext: ExtentInfo, process: str, user: int | None) -> m.Bound:
    """After a complete copy: EMPTY (3789), or ARCHIVED (13154) while replication still needs it."""
    master = db.ctl.master
    head = aimanager.header(ext, db)
    if head.state == aifile.LOCKED:
        head.state = ARCHIVED
        aifile.write_header(Path(ext.path), head)
        line = m.AIMGT_MARKED_ARCHIVED.bind(name=ext.path)
    else:
        aifile.reset(
            Path(ext.path),
            aifile.AiHeader(db_id=master.db_id, extent=ext.number, blksize=master.block_size),
            ext.fixed,
            ext.size_kb,
        )
        line = m.AI_MARKED_EMPTY.bind(name=ext.path)
    db.log(line, process=process, user=user)
    return line


def archive_to(db: Database, ext: ExtentInfo, target: Path, kind: str, process: str, user: int | None) -> list[m.Bound]:
    """Copy one FULL (or LOCKED) extent to ``target`` and mark it; the lines for the .lg and the user."""
    head = aimanager.header(ext, db)
    if head.state not in (aifile.FULL, aifile.LOCKED):
        raise StateError(m.AIMGT_NOT_FULL.bind(path=ext.path, state=head.state))
    if kind != MANUAL_NULL:
        _copy(Path(ext.path), target)
    _log_record(db, kind, head.seq, ext, str(target) if kind != MANUAL_NULL else "NULL")
    copied = m.AIMGT_COPIED.bind(path=ext.path, target=str(target))
    db.log(copied, process=process, user=user)
    return [copied, mark_archived(db, ext, process, user)]


def full_extents(db: Database) -> list[tuple[int, ExtentInfo]]:
    """FULL extents (and LOCKED ones, archived before replication is done), oldest file first."""
    rows = [(aimanager.header(e, db).seq, e) for e in aimanager.extents_of(db)]
    return sorted(
        ((seq, e) for seq, e in rows if aimanager.header(e, db).state in (aifile.FULL, aifile.LOCKED)),
        key=lambda row: row[0],
    )


class Manager:
    """The after-image manager: a thread of the broker, with its own user number."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.stop = threading.Event()
        self.dir_index = 0
        self.no_room_logged = False
        self.user = broker.attach()
        self.thread = threading.Thread(target=self._run, daemon=True, name="aimgt")

    @property
    def db(self) -> Database:
        return self.broker.db

    def log(self, *lines: m.Bound, severity: str = "I") -> None:
        self.db.log(*lines, process=PROCESS, severity=severity, user=self.user)

    def start(self) -> None:
        self.broker.aistall = True  # implied by AI File Management (semantics §4.6)
        self.log(m.AIMGT_BEGINNING.bind())
        log_started(self.db)
        self.log(m.AIMGT_ARCHIVING_TO.bind(dir=self.db.ctl.master.ai.arc_dirs[0]))
        self.thread.start()

    def end(self) -> None:
        """Stop at the next wake. Called under the broker's lock, which the thread takes to work, so it is not
        waited for: once it has the lock it sees the stop and does nothing more."""
        self.stop.set()
        self.broker.user_numbers.discard(self.user)

    def _run(self) -> None:
        while not self.stop.wait(WAKE_SECONDS * timescale()) and not self.broker.stop.is_set():
            with self.broker.cond:
                if self.stop.is_set() or self.db.closed:
                    return
                try:
                    self.cycle()
                except OEError as error:  # a damaged extent or a full disk: said in the .lg, tried again
                    self.log(*error.messages, severity="E")
                except OSError as error:  # an archive directory gone or unwritable: the extent stays FULL
                    self.log(m.CANNOT_OPEN_FILE.bind(path=error.filename or "", errno=error.errno or 0), severity="E")
                self.broker.cond.notify_all()  # an -aistall stall may end now

    def cycle(self) -> None:
        """One wake: the timed switch, then every FULL extent archived."""
        ai = self.db.ctl.master.ai
        elapsed = (now_us() - ai.ainew) / 1_000_000
        if ai.arc_interval and elapsed >= ai.arc_interval * timescale() and self._busy_has_notes():
            try:
                aimanager.switch(self.db)
            except aimanager.AiSwitchImpossible:
                pass  # nothing EMPTY yet: archiving below frees one; the switch waits for the next wake
        for _seq, ext in full_extents(self.db):
            if not self.archive(ext):
                return

    def _busy_has_notes(self) -> bool:
        """Timed mode switches only a BUSY extent holding notes: an idle database makes no empty archives
        [inferred]."""
        return self.db.ctl.master.ai.notes > 0

    def archive(self, ext: ExtentInfo) -> bool:
        """Archive one extent to the first directory, from the current one, with room; False if none has."""
        dirs = self.db.ctl.master.ai.arc_dirs
        size = Path(ext.path).stat().st_size
        seq = aimanager.header(ext, self.db).seq
        while self.dir_index < len(dirs):
            directory = dirs[self.dir_index]
            if not _no_room(directory, size):
                target = Path(directory) / archive_name(self.db, ext, seq)
                try:
                    archive_to(self.db, ext, target, AUTOMATIC, PROCESS, self.user)
                    self.no_room_logged = False
                    return True
                except OEError as error:
                    if not isinstance(error, DiskFullError):
                        raise
                    target.unlink(missing_ok=True)
            self.dir_index += 1
            if self.dir_index < len(dirs):
                self.log(m.AIMGT_ARCHIVING_TO.bind(dir=dirs[self.dir_index]))
        if not self.no_room_logged:
            self.log(m.AIMGT_NO_DESTINATION.bind(), severity="E")
            self.no_room_logged = True
        # No destination until aiarchiver setdir or proshut -C aimgt gives new ones (KB-P154904's way out is
        # to give the manager room and restart it) [inferred].
        self.dir_index = len(dirs)
        return False

    def use_dirs(self, dirs: list[str]) -> None:
        self.db.ctl.master.ai.arc_dirs = dirs
        self.dir_index, self.no_room_logged = 0, False
        self.log(m.AIMGT_ARCHIVING_TO.bind(dir=dirs[0]))


MANAGERS: dict[int, Manager] = {}  # the broker's running manager, by id(broker)


def running(broker: Broker) -> Manager | None:
    return MANAGERS.get(id(broker))


def check_start(ctl: Control, params: dict[str, str]) -> None:
    """proserve, before the broker opens anything: the archiver's settings it would start with are valid."""
    if not ctl.master.ai.management:
        return
    dirs = split_dirs(params["-aiarcdir"]) if "-aiarcdir" in params else ctl.master.ai.arc_dirs
    if "-aiarcinterval" in params:
        check_interval(params["-aiarcinterval"])
    missing = [d for d in dirs if not Path(d).is_dir()]
    if missing and "-aiarcdircreate" not in params:
        raise StateError(m.AIMGT_NO_DIR.bind(dir=missing[0]))


def start_if_enabled(broker: Broker) -> None:
    """At broker start: ``-aiarcdir``/``-aiarcinterval`` replace the stored settings when management is on
    (they are only recorded in the .lg when it is off [inferred]); then the manager starts."""
    ai = broker.db.ctl.master.ai
    if not ai.management:
        return
    if "-aiarcdir" in broker.params:
        ai.arc_dirs = split_dirs(broker.params["-aiarcdir"])
    if "-aiarcinterval" in broker.params:
        ai.arc_interval = check_interval(broker.params["-aiarcinterval"])
    check_dirs(ai.arc_dirs, "-aiarcdircreate" in broker.params)
    broker.db.save(sync=True)
    _start(broker)


STARTUP.append(start_if_enabled)


def _start(broker: Broker) -> Manager:
    manager = Manager(broker)
    MANAGERS[id(broker)] = manager
    manager.start()
    return manager


def stop(broker: Broker) -> None:
    manager = MANAGERS.pop(id(broker), None)
    if manager is not None:
        manager.end()


def _require_management(broker: Broker) -> None:
    if not broker.db.ctl.master.ai.management:
        raise StateError(m.AIMGT_NOT_ENABLED.bind(db=broker.db.name.display))


@operation("aimgt_enable")
def _op_enable(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """probkup online … enableaiarchiver: management on, and the manager starts in this broker."""
    settings = Settings(list(request["dirs"]), request.get("interval"), bool(request.get("create")))
    with broker.cond:
        line = enable(broker.db.ctl, broker.db.name.display, settings)
        broker.db.save(sync=True)
        broker.db.log(line, process="BACKUP", user=int(request[USER_NUMBER]))
        _start(broker)
    return {}


@operation("aimgt_restart")
def _op_restart(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """proshut -C aimgt -aiarcdir dirs [-aiarcinterval n]: the manager restarted with these settings."""
    with broker.cond:
        _require_management(broker)
        dirs = list(request["dirs"])
        check_dirs(dirs, bool(request.get("create")))
        stop(broker)
        ai = broker.db.ctl.master.ai
        ai.arc_dirs = dirs
        if request.get("interval") is not None:
            ai.arc_interval = int(request["interval"])
        broker.db.save(sync=True)
        _start(broker)
    return {}


@operation("aimgt_change")
def _op_change(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """rfutil aiarchiver disable | end | setinterval | setdir against a served database."""
    what = request["what"]
    with broker.cond:
        _require_management(broker)
        ai = broker.db.ctl.master.ai
        manager = running(broker)
        if what == "end":
            if manager is None:
                raise StateError(m.AIMGT_NOT_RUNNING.bind(db=broker.db.name.display))
            stop(broker)
            manager.log(m.AIMGT_ENDED.bind())
        elif what == "disable":
            stop(broker)
            ai.management, ai.arc_dirs, ai.arc_interval = False, [], 0
            broker.aistall = "-aistall" in broker.params
        elif what == "setinterval":
            ai.arc_interval = int(request["interval"])
        elif what == "setdir":
            check_dirs(list(request["dirs"]), False)
            if manager is not None:
                manager.use_dirs(list(request["dirs"]))
            ai.arc_dirs = list(request["dirs"])
        broker.db.save(sync=True)
        broker.cond.notify_all()
    return {}


@operation("aiarchive_next")
def _op_next(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """rfutil aiarchive nextextent: switch, then archive the extent that was BUSY (a manual archive)."""
    with broker.cond:
        _require_management(broker)
        db = broker.db
        closed = aimanager.busy(db)
        aimanager.switch(db)
        seq = aimanager.header(closed, db).seq
        user = int(request[USER_NUMBER])
        manager = running(broker)
        dirs = db.ctl.master.ai.arc_dirs
        directory = dirs[min(manager.dir_index, len(dirs) - 1)] if manager else dirs[0]
        lines = archive_to(db, closed, Path(directory) / archive_name(db, closed, seq), MANUAL, "RFUTIL", user)
        broker.cond.notify_all()
    return {"messages": wire.pack_messages(lines), "seq": seq}


@operation("aiarchive_extent")
def _op_extent(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """rfutil aiarchive extent src target against a served database."""
    with broker.cond:
        ext = aimanager.find_extent(broker.db, str(request["extent"]))
        target = str(request["target"])
        kind = MANUAL_NULL if target in NULL_TARGETS else MANUAL
        lines = archive_to(broker.db, ext, Path(target), kind, "RFUTIL", int(request[USER_NUMBER]))
        broker.cond.notify_all()
    return {"messages": wire.pack_messages(lines)}
