"""Opening a database the way OpenEdge does, and what an open database can do.

``Database.open`` applies, in order: the control area must be readable, the .lk rules (semantics §1.4),
every extent present and from the same copy (§1.1), for a user session or before crash recovery the BUSY
AI extent as the master block records it (a torn copy is reported as such first), crash recovery if the
last session did not close (§1.3). A refused open raises before anything on disk changes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.clock import ctime, now_us
from oedr.harness.openedge.dbfiles import aifile, bilog, control, extents, lockfile, logfile
from oedr.harness.openedge.dbfiles.control import Control
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.engine import recovery
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.engine.held import HeldFiles
from oedr.harness.openedge.errors import DamagedError, OEError, StateError
from oedr.harness.openedge.hostinfo import host_name, pid_alive, tty, user_name

_RECORD = struct.Struct("<BQI")  # table-name length, trid, record index in its transaction


def encode_record(table: str, trid: int, index: int, data: bytes) -> bytes:
    name = table.encode()
    return _RECORD.pack(len(name), trid, index) + name + data


def decode_record(raw: bytes) -> tuple[str, int, int, bytes]:
    length, trid, index = _RECORD.unpack_from(raw)
    start = _RECORD.size
    return raw[start : start + length].decode(errors="replace"), trid, index, raw[start + length :]


def record_payload(table: str, trid: int, index: int, size: int) -> bytes:
    """Deterministic record content, so that two databases with the same history digest equal."""
    seed = hashlib.sha256(f"{table}:{trid}:{index}".encode()).hexdigest().encode()
    return (seed * (size // len(seed) + 1))[:size]


def refuse_if_locked(name: DbName) -> None:
    """Apply the .lk rules: another host's lock, or a live local holder, refuses; a dead local one is stale.

    A pure check: a stale .lk stays until the command has made every other check and takes the database
    (``take_lock``), so that a command refused for another reason leaves the .lk of a crash as it was (an
    emulator choice: OpenEdge's order of these checks is not in the reference)."""
    lock = lockfile.read(name.lk)
    if lock is None or _stale(lock):
        return
    message = m.IN_USE_SINGLE if lock.mode == lockfile.SINGLE_USER else m.IN_USE_MULTI
    raise StateError(message.bind(db=name.display))


def _stale(lock: lockfile.Lock) -> bool:
    return lock.host == host_name() and not pid_alive(lock.pid)


def clear_stale_lock(name: DbName) -> None:
    """Remove the .lk of a holder that died on this host (semantics §1.4), logging 4194: the first change a
    command makes to a crashed database, once every check that needs no recovery has passed."""
    lock = lockfile.read(name.lk)
    if lock is not None and _stale(lock):
        lockfile.remove(name.lk)
        if name.lg.exists():
            logfile.append(name.lg, "BROKER", m.BROKER_DISAPPEARED.bind(db=name.display), user=0)


def take_lock(name: DbName, mode: int) -> None:
    """Write the .lk (a stale one cleared first); 263/276 when someone holds the database."""
    clear_stale_lock(name)
    if not lockfile.write_exclusive(name.lk, lockfile.Lock(mode, os.getpid(), host_name())):
        refuse_if_locked(name)
        raise StateError(m.IN_USE_SINGLE.bind(db=name.display))


def lock_state(name: DbName) -> lockfile.Lock | None:
    """Who holds the database per its .lk alone (busy/holder never open the database: KB-000035390)."""
    return lockfile.read(name.lk)


def not_a_directory(path: Path) -> StateError:
    """43 for a directory that is not there: errno 2, or 20 (ENOTDIR) when a file has its name."""
    code = errno.ENOTDIR if path.exists() else errno.ENOENT
    return StateError(m.CANNOT_OPEN_FILE.bind(path=str(path), errno=code))


def read_control(name: DbName) -> Control:
    """The control area, with 43 and the real errno when it cannot be opened (2 missing, 21 a directory,
    13 no permission) and a damaged-file message when it is not a control area."""
    try:
        return control.read(name.db)
    except OSError as exc:
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(name.db), errno=exc.errno or errno.EIO)) from None
    except (FrameError, ValueError) as exc:
        raise DamagedError(m.BAD_CONTROL_AREA.bind(path=str(name.db), reason=str(exc))) from None


def check_extents(ctl: Control, name: DbName) -> None:
    """Every extent present, and every extent header from this database and this copy (9212-9217)."""
    for area, ext in ctl.all_extents():
        path = Path(ext.path)
        if not path.exists():
            raise StateError(m.CANNOT_OPEN_FILE.bind(path=ext.path, errno=2), m.MISSING_EXTENT.bind(path=ext.path))
        if area.kind == "a":
            continue
        head: bilog.BiHeader | extents.ExtentHeader
        try:
            if area.kind == "b":
                head = bilog.header(path, ctl.master.bi_block_size)
            else:
                head = extents.read_extent_header(path, ctl.master.block_size)
        except (FrameError, OSError) as exc:
            raise DamagedError(m.DB_DAMAGED.bind(db=name.display, reason=f"extent {ext.path}: {exc}")) from None
        if head.get("db_id") != ctl.master.db_id or head.get("created") != ctl.master.created:
            raise DamagedError(
                m.CREATION_DATE_MISMATCH.bind(),
                m.EXTENT_WRONG_CREATION.bind(path=ext.path, date=ctime(int(head.get("created", 0)))),
                m.CONTROL_CREATION.bind(date=ctime(ctl.master.created)),
            )
        if area.kind == "d" and head.get("last_open") not in (ctl.master.last_open, ctl.master.opening or None):
            opened = cast(extents.ExtentHeader, head).get("last_open", 0)  # a d area's extents have extent headers
            raise DamagedError(
                m.LAST_OPEN_MISMATCH.bind(),
                m.EXTENT_WRONG_OPEN.bind(path=ext.path, date=ctime(int(opened))),
                m.CONTROL_OPEN.bind(date=ctime(ctl.master.last_open)),
            )
    _check_high_water(ctl, name)


def check_blocks(ctl: Control, name: DbName) -> None:
    """Every data block up to its area's high-water mark reads back with a good checksum: a pure read, for a
    command that reads every block anyway (a full scan), so that damage it would meet half-way refuses it
    before the open changes anything (an emulator choice: OpenEdge reports a bad block when it reads it)."""
    check_extents(ctl, name)
    for area in ctl.of_kind("d"):
        files = extents.AreaFiles(area, ctl.master.block_size)
        for number in range(1, ctl.master.hiwater.get(str(area.number), 0) + 1):
            try:
                files.read(number)
            except (FrameError, extents.AreaFull) as exc:
                raise DamagedError(m.DB_DAMAGED.bind(db=name.display, reason=str(exc))) from None


def check_writable(ctl: Control, name: DbName) -> None:
    """43 with errno 13 for a file of the database this user cannot write, before the open writes anything.

    An open writes the .lk and the .lg beside the control area, the control area itself (through a file in
    its directory), the extents' open dates, the BI and the AI; finding one read-only half-way would leave
    the others changed. The order of the checks an open makes, each before the first write: the control
    area (43, or damaged), the .lk (263/276), the state (void, restore, roll forward), every extent present
    and of this database (43/1990, 9212-9217, damaged), every file writable (this check); only then a
    stale .lk is cleared (4194), the .lk written and crash recovery run. The order is an emulator choice
    ([inferred]): what needs no recovery is checked first, so that a refusal changes nothing."""
    directory = name.db.parent
    paths = [name.db, *(Path(ext.path) for _a, ext in ctl.all_extents())]
    if name.lg.exists():
        paths.append(name.lg)
    for path in [directory, *paths]:
        if path.exists() and not os.access(path, os.W_OK | (os.X_OK if path == directory else 0)):
            raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(path), errno=errno.EACCES))


def _check_high_water(ctl: Control, name: DbName) -> None:
    """Every block up to an area's high-water mark must be on disk: a shorter extent was cut (a partial copy).

    Without this a truncated variable extent would read as never-written (empty) blocks and lose records silently.
    """
    block_size = ctl.master.block_size
    for area in ctl.of_kind("d"):
        highest = ctl.master.hiwater.get(str(area.number), 0)
        if not highest:
            continue
        try:
            path, offset = extents.AreaFiles(area, block_size)._locate(highest)
        except extents.AreaFull:
            path, offset = area.extents[-1].path, -1
        if offset < 0 or os.path.getsize(path) < offset + block_size:
            raise DamagedError(
                m.DB_DAMAGED.bind(
                    db=name.display,
                    reason=f"extent {path} ends before block {highest} of area {area.number} (its "
                    f"high-water mark): it was truncated or copied while the database was being "
                    f"written",
                )
            )


def _check_busy_ai(name: DbName, ctl: Control, options: OpenOptions) -> None:
    """A user session opens the BUSY AI extent for output (semantics §3.1) and crash recovery may append to
    it: both check it against the master block first, so that a refusal changes nothing (not even the open
    date or the recovery). Utilities that do not write notes (aimage end, probkup offline, ...) are let
    through: they are how the DBA gets out of it."""
    from oedr.harness.openedge.engine import aicheck, recovery

    master = ctl.master
    recovering = master.state == control.OPEN and options.recover
    if not master.ai.enabled or not (options.touch_open_date or recovering):
        return
    if recovering:  # a copy of a running database is first of all a torn copy: say that (90001)
        recovery.refuse_torn_copy(Database(name, ctl, 0, options.utility))
    aicheck.verify_busy(ctl)


@dataclass
class OpenOptions:
    """What an opener allows: a void db (prorest/procopy), skipping crash recovery, a pending restore.

    ``recover=False`` leaves a crashed database crashed (crash recovery runs at the next open): the AI
    extent commands use it, because crash recovery may itself need an EMPTY AI extent (semantics §4.4).
    Under ``roll forward oplock`` only roll forward and ``roll opunlock`` open the database (DOC, §3.4);
    without it anything may open a database in the middle of its roll forward, and spends it (``_start``).

    ``log_session`` writes the session's first .lg line (451 for a utility, 333 for the broker) as soon as
    the database is held, before crash recovery logs its phases and 1526, and 334 when it is closed or given
    up. That 333 comes before the recovery lines is [inferred]: the broker prints it first too."""

    utility: str
    allow_void: bool = False
    allow_restoring: bool = False
    recover: bool = True
    touch_open_date: bool = False  # user sessions (broker, client) stamp the open date; utilities do not
    rolling_forward: bool = False
    opunlock: bool = False  # rfutil -C roll opunlock: the one opener besides roll forward under oplock
    log_session: bool = False


class Database:
    """A database opened by this process (single-user) or by the broker (multi-user)."""

    def __init__(self, name: DbName, ctl: Control, mode: int, utility: str) -> None:
        self.name = name
        self.ctl = ctl
        self.mode = mode
        self.utility = utility
        self.messages: list[m.Bound] = []  # informational lines for the caller to print
        self._areas: dict[int, extents.AreaFiles] = {}
        self._bi: bilog.BiWriter | None = None
        self._ai: aifile.AiWriter | None = None
        self.closed = False
        self.recovery_pending = False  # opened crashed without crash recovery: it stays crashed
        self.user: int | None = 0 if mode == lockfile.MULTI_USER else None  # the .lg user number (BROKER 0)
        self.session_logged = False
        self.held: HeldFiles | None = None  # a broker's open descriptors on the database's files (hold_files)

    # --- opening and closing ------------------------------------------------------------------------
    @classmethod
    def open(cls, name: DbName, options: OpenOptions, mode: int = lockfile.SINGLE_USER) -> Database:
        ctl = read_control(name)
        refuse_if_locked(name)
        if ctl.master.state == control.VOID and not options.allow_void:
            raise StateError(m.VOID_DB.bind(db=name.display))
        if ctl.master.restore_pending and not options.allow_restoring:
            raise StateError(m.NOT_FULLY_RESTORED.bind())
        if ctl.master.rf.oplock and not (options.rolling_forward or options.opunlock):
            raise StateError(m.RF_OPLOCKED.bind(), m.RF_OPLOCK_WAIT.bind())
        if ctl.master.state != control.VOID:
            check_extents(ctl, name)
            _check_busy_ai(name, ctl, options)
        check_writable(ctl, name)
        take_lock(name, mode)
        db = cls(name, ctl, mode, options.utility)
        try:
            if options.log_session:
                db.log(db._session_lines()[0])
                db.session_logged = True
            db._start(options)
        except BaseException:
            db.abandon()
            raise
        return db

    def _start(self, options: OpenOptions) -> None:
        master = self.ctl.master
        if master.state == control.OPEN:
            if options.recover:
                recovery.crash_recover(self)
            else:
                self.recovery_pending = True
        if master.state == control.VOID:
            return
        if not options.rolling_forward and (master.rf.applied_files or master.rf.in_progress_seq):
            self._spend_roll_forward()
        if options.touch_open_date:
            self._touch_open_date()
        master.state = control.OPEN
        self.save()

    def _spend_roll_forward(self) -> None:
        """A database opened by anything but roll forward after files were applied to it (a broker, a client,
        truncate bi, ...) can take no further AI file (DOC "Perform roll-forward recovery": "If you start the
        database before you restore all of the extents, you must begin the roll forward again from the last
        backup"; semantics §5.3, §6.6 F5). The open completes crash recovery, which changes the database: its
        last-change stamp moves on, so the next file fails the date check (831-833), ``retry`` included, as
        F5 says; the interrupted file, if any, is no longer one a retry may resume. That the open changes the
        stamp even when nothing was in flight is [inferred] from the DOC's unconditional rule. The chain
        begins with the first file applied: a restored copy opened before its first roll forward is not
        spent by that open (an emulator choice; its own AI is still on then)."""
        rf = self.ctl.master.rf
        rf.applied_files, rf.in_progress_seq = 0, 0
        self.mark_changed(now_us())

    def _touch_open_date(self) -> None:
        """The new open date goes to the control area as the one being written, then to every data extent,
        then becomes the last open date: a crash at any point leaves extents that check_extents accepts."""
        master = self.ctl.master
        stamp = max(now_us(), master.last_open + 1)
        master.opening = stamp
        self.save()
        for area, ext in self.ctl.all_extents():
            if area.kind == "d":
                fields = extents.read_extent_header(Path(ext.path), master.block_size)
                fields["last_open"] = stamp
                extents.write_extent_header(Path(ext.path), fields, master.block_size)
        master.prior_open, master.last_open, master.opening = master.last_open, stamp, 0

    def save(self, sync: bool = False) -> None:
        fd = control.write(self.name.db, self.ctl, sync=sync, keep_open=self.held is not None)
        if self.held is not None:
            self.held.follow(self.ctl, fd)

    def hold_files(self) -> None:
        """Keep the control area, BI, data and BUSY AI extents open until the database closes, as a broker
        does (engine.held); every save keeps the set in step (the AI extent held follows the switches)."""
        self.held = HeldFiles(self.name.db)
        self.held.follow(self.ctl)

    def _release_files(self) -> None:
        if self.held is not None:
            self.held.release()
            self.held = None

    def close(self) -> None:
        """Clean close: state closed, master written durably, .lk removed."""
        if self.closed:
            return
        self._log_session_end()
        self._close_writers()
        if self.ctl.master.state == control.OPEN and not self.recovery_pending:
            self.ctl.master.state = control.CLOSED
        self.save(sync=True)
        self._release_files()
        lockfile.remove(self.name.lk)
        self.closed = True

    def abandon(self) -> None:
        """Give the database up without touching its state (a refused or failed operation)."""
        self._log_session_end()
        self._close_writers()
        self._release_files()
        lockfile.remove(self.name.lk)
        self.closed = True

    def ai_writer(self) -> aifile.AiWriter:
        """The writer for the BUSY AI extent, positioned after its last intact note, once the extent is checked
        against the master block (engine/aicheck.py): when it is first opened, and again whenever someone
        else changed the file since this writer's last note. DamagedError, nothing written, if it does not match."""
        from oedr.harness.openedge.engine import aicheck

        if self._ai is not None and self._ai.changed_by_others():
            self.close_ai_writer()
        if self._ai is None:
            ext = self.ctl.ai_extents()[self.ctl.master.ai.busy_extent - 1]
            written = aicheck.verify_busy(self.ctl)
            aicheck.record(self.ctl, written)
            capacity = ext.size_kb * 1024 if ext.fixed else None
            self._ai = aifile.AiWriter(Path(ext.path), written, capacity)
        return self._ai

    def close_ai_writer(self) -> None:
        if self._ai is not None:
            self._ai.close()
            self._ai = None

    def _close_writers(self) -> None:
        if self._bi is not None:
            self._bi.close()
            self._bi = None
        if self._ai is not None:
            self._ai.close()
            self._ai = None

    @contextmanager
    def session(self) -> Iterator[Database]:
        """Close cleanly on success; on an OEError keep what was done but still release the database.

        In a session that is in the .lg (``log_session``) a refusal is logged too, as an error (E), between
        the session's begin and end lines: an emulator choice, as every refusal the emulator logs is E (the
        sheet, §1.5, gives the letters I/W/E/F; DOC's log format page lists only I, W and F)."""
        try:
            yield self
        except OEError as error:
            if self.session_logged and not error.logged:
                self.log(*error.messages, severity="E")
                error.logged = True
            raise
        finally:
            self.close()

    # --- logging ----------------------------------------------------------------------------------
    def log(
        self,
        *messages: m.Bound,
        process: str | None = None,
        severity: str = "I",
        user: int | Literal["own"] | None = "own",
    ) -> None:
        """Append to the .lg as this session's process and user number (``user`` names another's)."""
        logfile.append(
            self.name.lg,
            process or self.utility.upper(),
            *messages,
            severity=severity,
            user=self.user if user == "own" else user,
        )

    def _session_lines(self) -> tuple[m.Bound, m.Bound]:
        if self.mode == lockfile.MULTI_USER:
            return m.MULTI_USER_BEGIN.bind(), m.MULTI_USER_END.bind()
        return (
            m.SESSION_BEGIN.bind(utility=self.utility, user=user_name(), tty=tty()),
            m.SESSION_END.bind(utility=self.utility),
        )

    def _log_session_end(self) -> None:
        """334 as the session ends. The broker's has no user number (``BROKER : ... (334)``, KB-P42984): it
        has left the user table by then."""
        if self.session_logged:
            self.session_logged = False
            self.log(self._session_lines()[1], user=None if self.mode == lockfile.MULTI_USER else "own")

    # --- blocks and records -----------------------------------------------------------------------
    def area_files(self, number: int) -> extents.AreaFiles:
        if number not in self._areas:
            self._areas[number] = extents.AreaFiles(self.ctl.area(number), self.ctl.master.block_size)
        return self._areas[number]

    def data_areas(self) -> list[int]:
        return [a.number for a in self.ctl.of_kind("d")]

    def record_area(self) -> int:
        """New records go to the first application data area, or the Schema Area when there is none."""
        areas = sorted(self.data_areas())
        application = [a for a in areas if a >= 7]
        return application[0] if application else areas[0]

    def bi(self) -> bilog.BiWriter:
        if self._bi is None:
            self._bi = bilog.BiWriter(Path(self.ctl.of_kind("b")[0].extents[0].path))
        return self._bi

    def bi_path(self) -> Path:
        return Path(self.ctl.of_kind("b")[0].extents[0].path)

    def next_lsn(self) -> int:
        lsn = self.ctl.master.next_lsn
        self.ctl.master.next_lsn += 1
        return lsn

    def iter_records(self) -> Iterator[tuple[str, int, int, bytes]]:
        for area in sorted(self.data_areas()):
            files = self.area_files(area)
            for number in range(1, self.ctl.master.hiwater.get(str(area), 0) + 1):
                try:
                    block = files.read(number)
                except FrameError as exc:
                    raise DamagedError(m.DB_DAMAGED.bind(db=self.name.display, reason=str(exc))) from None
                for raw in block.records.values():
                    yield decode_record(raw)

    def digest(self, upto_trid: int | None = None) -> tuple[int, str]:
        """(record count, sha256) over every record, optionally only those committed up to a trid."""
        rows = sorted(
            (table, trid, index, data)
            for table, trid, index, data in self.iter_records()
            if upto_trid is None or trid <= upto_trid
        )
        digest = hashlib.sha256()
        for table, trid, index, data in rows:
            digest.update(f"{table}\0{trid}\0{index}\0".encode() + hashlib.sha256(data).digest())
        return len(rows), digest.hexdigest()

    def mark_changed(self, stamp: int) -> int:
        """Advance the last-change stamp (mb_lstmod) strictly, and note the db changed since backup."""
        master = self.ctl.master
        master.lstmod = max(stamp, master.lstmod + 1)
        master.chgd = True
        return master.lstmod
