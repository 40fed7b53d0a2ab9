"""The broker that ``proserve`` starts: a real background process that owns the database until ``proshut``.

It holds the .lk (multi-user mode, its pid, this host), serves clients over a Unix socket (the
emulator's stand-in for shared memory), serialises transactions, honours a quiet point, stalls or shuts
down when no EMPTY AI extent is left (semantics §4.4), and shuts down itself if its .lk disappears
(4195). While it runs it holds the database's files open (``engine.held``), so ``fuser``/``lsof`` name it. The
process is the executable ``_mprosrv <db> <parameters>``, as OpenEdge's broker is (``engine.launch``).
"""

from __future__ import annotations

import json
import os
import signal
import socketserver
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import number_in
from oedr.harness.openedge.dbfiles import aifile, lockfile
from oedr.harness.openedge.engine import aimanager, launch, proctitle, transactions, wire
from oedr.harness.openedge.engine.database import Database, OpenOptions
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import DamagedError, OEError, StateError
from oedr.harness.openedge.hostinfo import tty, user_name

NORMAL, REQUESTED, ENABLED, BITHRESHOLD = 0, 1, 2, 4  # the master block's quiet-point values (semantics §2)
MB = 1 << 20
BITHOLD_MIN_MB, BITHOLD_MAX_MB = 3, 2**32 - 1  # DOC -bithold: below 3 MB means 3 MB; at most 2^32-1 MB
QUIET_NO_BROKER, QUIET_BI_THRESHOLD = 16, 3  # KB-P41028 return codes
EFFECTIVE_PARAMS = ("-aistall", "-bithold", "-bistall", "-aiarcdir", "-aiarcinterval", "-aiarcdircreate")
"""The startup parameters the broker acts on; every other one is only recorded in the .lg (4234)."""
USER_NUMBER = "_user_number"
"""The request key under which a handler finds the user number of the process that sent it (.lg lines)."""
Handler = Callable[["Broker", dict[str, Any]], dict[str, Any]]
OPERATIONS: dict[str, Handler] = {}
STARTUP: list[Callable[[Broker], None]] = []
"""Run once the database is open, before clients are served (the after-image manager starts there)."""


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register a broker operation; other modules (backup) add theirs the same way."""

    def register(func: Handler) -> Handler:
        OPERATIONS[name] = func
        return func

    return register


class Broker:
    """State shared by the connection threads; ``cond`` guards the database."""

    def __init__(self, db: Database, params: dict[str, str]) -> None:
        self.db = db
        self.params = params
        self.cond = threading.Condition(threading.RLock())
        self.quiet = NORMAL
        self.quiet_nolock = False
        self.stalled = False
        self.stop = threading.Event()
        self.clients = 0
        self.aistall = "-aistall" in params
        self.bithold_mb = bi_threshold_mb(params)  # 0: no BI threshold (the multi-user default)
        self.bistall = "-bistall" in params and self.bithold_mb > 0  # DOC: -bistall needs -bithold
        self.online_backup: Callable[[], None] | None = None  # the running online backup's undo (engine/backup.py)
        self.user_numbers: set[int] = set()  # of the connected processes; the broker is user 0
        self.logins: dict[int, dict[str, str]] = {}  # ABL clients' user numbers -> who (452/453)

    def attach(self) -> int:
        """A connecting process takes the lowest free user number (1 and up; the broker is 0), as a process
        attaching to OpenEdge's shared memory takes a free slot of the user table. The emulator has no
        servers or helper processes (APW, BIW, WDOG) holding slots: an emulator simplification."""
        number = 1
        while number in self.user_numbers:
            number += 1
        self.user_numbers.add(number)
        return number

    def log(self, *messages: m.Bound) -> None:
        self.db.log(*messages, process="BROKER")

    def wait_writable(self) -> None:
        """New transactions wait while a quiet point is requested or enabled (or the BI threshold stalls)."""
        while self.quiet != NORMAL and not self.stop.is_set():
            self.cond.wait(timeout=0.5)

    def bi_threshold_reached(self) -> bool:
        return bool(self.bithold_mb) and self.db.bi_path().stat().st_size >= self.bithold_mb * MB

    def _bi_threshold_hit(self) -> None:
        """DOC -bithold: emergency shutdown at the threshold, or with -bistall a quiet point (BITHRESHOLD).

        Checked before each transaction starts (OpenEdge checks as BI clusters are taken): the one that
        crossed the threshold has committed, the next one stalls or meets the shutdown. The emulator's BI
        never reuses clusters while the broker runs (it is emptied by crash recovery or truncate bi), so
        the threshold counts every note since then: an emulator simplification."""
        if not self.bistall:
            self.db.log(m.BI_THRESHOLD_SHUTDOWN.bind(mb=self.bithold_mb), process="BROKER", severity="F")
            self.db.save(sync=True)
            self.crash()
        self.quiet = BITHRESHOLD
        self.db.log(
            m.BI_THRESHOLD_STALLED.bind(mb=self.bithold_mb, db=self.db.name.given), process="BROKER", severity="W"
        )
        self.cond.notify_all()

    def commit(self, table: str, records: int, size: int) -> transactions.Committed:
        with self.cond:
            while True:
                self.wait_writable()
                if self.stop.is_set():
                    raise StateError(m.NO_SERVER.bind(db=self.db.name.display))
                if self.bi_threshold_reached():
                    self._bi_threshold_hit()
                    continue
                try:
                    return transactions.commit(self.db, table, records, size)
                except aimanager.AiFull as full:
                    self._ai_full(full)
                except DamagedError as damaged:  # the BUSY AI extent (aicheck): refused, nothing written
                    self.db.log(*damaged.messages, process="BROKER", severity="E")
                    raise

    def _ai_full(self, full: aimanager.AiFull) -> None:
        """No EMPTY extent: stall with -aistall (until one is emptied), else shut down (3773/5350/3774).

        The transaction that needed the switch wrote nothing: with -aistall it is retried once an extent
        is EMPTY; after a shutdown its client gets no commit (1423) and crash recovery, which must switch
        first, needs an EMPTY extent too."""
        db = self.db
        # .lg severities: 3773/3774 error, 5350 fatal, the stall lines warnings (§1.5 gives only the letters) [inferred]
        if not self.aistall:
            db.log(m.AI_CANT_SWITCH.bind(path=full.path), process="BROKER", severity="E")
            db.log(m.AI_SWITCH_FAILURE_SHUTDOWN.bind(), process="BROKER", severity="F")
            db.log(m.AI_BACKUP_AND_EMPTY.bind(), process="BROKER", severity="E")
            db.ctl.master.ai.switch_failed = True
            db.save(sync=True)
            self.crash()
        if not self.stalled:
            db.log(
                m.AI_STALL_CANT_SWITCH.bind(path=full.path),
                m.AI_STALL_BACKUP.bind(),
                m.AI_STALLED.bind(),
                process="BROKER",
                severity="W",
            )
        self.stalled = True
        while aimanager.header(aimanager.next_extent(db), db).state != aifile.EMPTY:
            self.cond.wait(timeout=0.5)
            if self.stop.is_set():
                raise StateError(m.NO_SERVER.bind(db=db.name.display))
        self.stalled = False

    def crash(self) -> None:
        """Abnormal shutdown: the database stays 'open' (crash recovery next time); the .lk goes."""
        lockfile.remove(self.db.name.lk)
        os._exit(2)

    def shutdown(self, by: dict[str, Any] | None = None) -> None:
        """Normal shutdown: 542 from the proshut process that asked (``SHUT n``, KB-P42984), then the
        broker's 2248 and, as the database closes, 334. Without a requester (SIGTERM) the broker logs 542."""
        if self.online_backup is not None:
            self.online_backup()  # aborted: the closed database must not say it was backed up
        started = m.SHUTDOWN_STARTED.bind(user=user_name(), tty=tty())
        if by is not None:
            self.db.log(started, process="SHUT", user=int(by[USER_NUMBER]))
        else:
            self.log(started)
        self.log(m.BEGIN_NORMAL_SHUTDOWN.bind())
        self.db.close()
        self.stop.set()


def _lk_watchdog(broker: Broker) -> None:
    """Some brokers shut down when their .lk is deleted (KB-P60150): 4195."""
    while not broker.stop.wait(1.0):
        if not broker.db.name.lk.exists():
            broker.log(m.LK_MISSING.bind(db=broker.db.name.stem))
            os._exit(3)


class _Connection(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        broker = self.server.broker
        with broker.cond:
            broker.clients += 1
            user = broker.attach()
        try:
            for raw in self.rfile:
                reply = _dispatch(broker, raw, user)
                self.wfile.write(wire.encode(reply))
                self.wfile.flush()
                if broker.stop.is_set():
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with broker.cond:
                broker.clients -= 1
                broker.user_numbers.discard(user)
                who = broker.logins.pop(user, None)
                if who is not None and not broker.db.closed:
                    broker.db.log(m.LOGOUT.bind(**who), process="ABL", user=user)
        if broker.stop.is_set():
            threading.Thread(target=self.server.shutdown, daemon=True).start()


def _dispatch(broker: Broker, raw: bytes, user: int) -> dict[str, Any]:
    """Run one request; the handler finds the requesting process's user number under USER_NUMBER."""
    try:
        request = json.loads(raw)
        handler = OPERATIONS[request["op"]]
        request[USER_NUMBER] = user
    except (ValueError, KeyError, TypeError):
        return {
            "ok": False,
            "status": 1,
            "messages": wire.pack_messages([m.INTERNAL_ERROR.bind(detail="bad broker request")]),
        }
    try:
        return {"ok": True, **handler(broker, request)}
    except OEError as error:
        return wire.error_reply(error)


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    broker: Broker


@operation("commit")
def _op_commit(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    done = broker.commit(
        request.get("table", "Customer"), int(request.get("records", 1)), int(request.get("size", 100))
    )
    return {"trid": done.trid, "time": done.time}


@operation("login")
def _op_login(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """An ABL client attaches: ``ABL <n>: (452) Login by <user> on <tty>.`` (POTEMKIN, §1.5); 453 as it leaves
    (``logout``, or its connection dropping: a killed client's 453 is logged when the broker notices)."""
    number = int(request[USER_NUMBER])
    who = {"user": request.get("user") or user_name(), "tty": request.get("tty") or tty()}
    with broker.cond:
        broker.logins[number] = who
        broker.db.log(m.LOGIN.bind(**who), process="ABL", user=number)
    return {}


@operation("logout")
def _op_logout(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """An ABL client leaving normally: 453 before it goes, so its line precedes whatever it does next."""
    number = int(request[USER_NUMBER])
    with broker.cond:
        who = broker.logins.pop(number, None)
        if who is not None:
            broker.db.log(m.LOGOUT.bind(**who), process="ABL", user=number)
    return {}


@operation("digest")
def _op_digest(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    with broker.cond:
        count, digest = broker.db.digest(request.get("upto"))
    return {"count": count, "digest": digest}


@operation("status")
def _op_status(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    return {"pid": os.getpid(), "quiet": broker.quiet, "stalled": broker.stalled, "clients": broker.clients}


@operation("shutdown")
def _op_shutdown(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    with broker.cond:
        if request.get("mode") == "bn" and broker.clients > 1:
            raise StateError(m.USERS_CONNECTED.bind(n=broker.clients - 1))
        broker.quiet = NORMAL
        broker.shutdown(by=request)
        broker.cond.notify_all()
    return {}


@operation("aimage_new")
def _op_aimage_new(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    with broker.cond:
        aimanager.switch(broker.db)
        return {"seq": broker.db.ctl.master.ai.current_seq}


@operation("aimage_empty")
def _op_aimage_empty(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    with broker.cond:
        ext = aimanager.empty(broker.db, request.get("extent"))
        broker.log(m.AI_MARKED_EMPTY.bind(name=ext.path))
        broker.cond.notify_all()
        return {"path": ext.path}


@contextmanager
def _quiet_request(broker: Broker, request: dict[str, Any]) -> Iterator[None]:
    """One proquiet request in the .lg: its login, what happened (the refusal too), its logout (5569/5570)."""
    who = {"user": request.get("user") or user_name(), "tty": request.get("tty") or tty()}
    number = int(request[USER_NUMBER])
    broker.db.log(m.QUIET_REQUEST_LOGIN.bind(**who), process="QUIET", user=number)
    try:
        yield
    except OEError as error:
        broker.db.log(*error.messages, process="QUIET", severity="E", user=number)
        raise
    finally:
        broker.db.log(m.QUIET_REQUEST_LOGOUT.bind(**who), process="QUIET", user=number)


def _quiet_stopped(broker: Broker) -> StateError:
    return StateError(m.NO_SERVER.bind(db=broker.db.name.display), exit_status=QUIET_NO_BROKER)


@operation("quiet_enable")
def _op_quiet_enable(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """proquiet enable: request, wait for the broker's latches, switch AI unless nolock, enable.

    A transaction commits under the broker's lock, so none is half done when the request gets it; but one
    that waits for an EMPTY AI extent (an -aistall stall) holds the AI latch, so the request stays
    REQUESTED until the stall ends (an emulator choice for what the latch wait waits for): a second enable
    meanwhile gets 4 (KB-P41028)."""
    db = broker.db
    with broker.cond, _quiet_request(broker, request):
        if broker.quiet == BITHRESHOLD:
            raise StateError(m.QUIET_BI_THRESHOLD_REACHED.bind(), exit_status=QUIET_BI_THRESHOLD)
        if broker.quiet == ENABLED:
            raise StateError(m.QUIET_ALREADY_ENABLED.bind(), exit_status=6)
        if broker.quiet == REQUESTED:
            raise StateError(m.QUIET_ALREADY_REQUESTED.bind(), exit_status=4)
        nolock = bool(request.get("nolock"))
        if db.ctl.master.ai.enabled and len(db.ctl.ai_extents()) < 2:
            raise StateError(m.QUIET_SINGLE_AI.bind(), exit_status=2)
        broker.quiet = REQUESTED
        try:
            while broker.stalled and not nolock and not broker.stop.is_set():  # nolock: no latch wait
                broker.cond.wait(timeout=0.5)
            if broker.stop.is_set():
                raise _quiet_stopped(broker)
            if db.ctl.master.ai.enabled and not nolock:
                try:
                    aimanager.switch(db)
                except aimanager.AiSwitchImpossible:
                    raise StateError(m.QUIET_AI_SWITCH_FAILED.bind(), exit_status=5) from None
            db.save(sync=True)
        except BaseException:
            if broker.quiet == REQUESTED:
                broker.quiet = NORMAL
                broker.cond.notify_all()
            raise
        broker.quiet, broker.quiet_nolock = ENABLED, nolock
        broker.log(m.QUIET_ENABLED.bind())
    return {}


@operation("quiet_disable")
def _op_quiet_disable(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """proquiet disable: 7 when nothing is quiet; 3 while the BI is at its threshold (raise it first)."""
    with broker.cond, _quiet_request(broker, request):
        if broker.quiet not in (ENABLED, BITHRESHOLD):
            raise StateError(m.QUIET_NOT_ENABLED.bind(), exit_status=7)
        if broker.bi_threshold_reached():
            raise StateError(m.QUIET_BI_THRESHOLD_REACHED.bind(), exit_status=QUIET_BI_THRESHOLD)
        if request.get("markbackedup"):
            broker.db.ctl.master.backup.buseq += 1
            broker.db.ctl.master.chgd = False
            broker.db.save(sync=True)
        broker.quiet = NORMAL
        broker.log(m.QUIET_DISABLED.bind())
        broker.cond.notify_all()
    return {}


@operation("bithreshold")
def _op_bithreshold(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """proquiet bithreshold n: the BI threshold that transactions and disable honour, changed while quiet.

    Only during a quiet point (semantics §3.7; DOC's procedure is enable, bithreshold, disable) and never
    down to the BI's current size (DOC PROQUIET: one cluster above it at least; the emulator's BI has no
    clusters, so: above it)."""
    mb = int(request["mb"])
    with broker.cond, _quiet_request(broker, request):
        if broker.quiet not in (ENABLED, BITHRESHOLD):
            raise StateError(m.BI_THRESHOLD_NOT_QUIET.bind(db=broker.db.name.given))
        size = broker.db.bi_path().stat().st_size
        if mb * MB <= size:
            raise StateError(m.BI_THRESHOLD_TOO_SMALL.bind(mb=mb, size=size))
        broker.bithold_mb = mb
        broker.log(m.BI_THRESHOLD.bind(mb=mb))
    return {}


def bi_threshold_mb(params: dict[str, str]) -> int:
    """-bithold n (MB) as the broker uses it: 0 (the default) disables it, 1-2 mean 3 (DOC -bithold)."""
    mb = number_in("proserve", "-bithold", params.get("-bithold", "0"), 0, BITHOLD_MAX_MB)
    return max(mb, BITHOLD_MIN_MB) if mb else 0


def _report(stream: Any, reply: dict[str, Any]) -> None:
    stream.write(json.dumps(reply) + "\n")
    stream.flush()


def serve(db_arg: str, params: dict[str, str], ready: Any) -> int:
    """Open the database multi-user, tell ``ready`` how that went, then serve until shut down."""

    name = DbName.parse(db_arg)
    try:
        bi_threshold_mb(params)  # a bad -bithold is refused before the database is opened
        # 333 goes to the .lg as the database is opened, before crash recovery's lines (1526), as it is printed
        db = Database.open(
            name, OpenOptions("BROKER", touch_open_date=True, log_session=True), mode=lockfile.MULTI_USER
        )
    except OEError as error:
        _report(ready, wire.error_reply(error))
        return error.exit_status
    db.hold_files()
    broker = Broker(db, params)
    broker.log(*[m.STARTUP_PARAM.bind(param=k, value=v) for k, v in params.items()])
    if broker.bithold_mb:
        broker.log(m.BI_THRESHOLD.bind(mb=broker.bithold_mb), *([m.BI_STALL_ENABLED.bind()] if broker.bistall else []))
    try:
        for hook in STARTUP:
            hook(broker)
    except OEError as error:
        db.close()
        _report(ready, wire.error_reply(error))
        return error.exit_status
    path = name.socket_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.unlink(missing_ok=True)
    server = _Server(str(path), _Connection)
    server.broker = broker

    def _on_sigterm(*_: object) -> None:
        broker.stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _on_sigterm)
    threading.Thread(target=_lk_watchdog, args=(broker,), daemon=True).start()
    _report(
        ready,
        {"ok": True, "pid": os.getpid(), "messages": wire.pack_messages([m.MULTI_USER_BEGIN.bind(), *db.messages])},
    )
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        path.unlink(missing_ok=True)
        if not db.closed:
            broker.shutdown()
    return 0


def main(db_arg: str, words: list[str], params_of: Callable[[list[str]], dict[str, str]], report_fd: int) -> None:
    """The broker process: title ``_mprosrv <db> <parameters>``, stdio on /dev/null, a report on ``report_fd``
    (``engine.launch``), then serve; exits with the broker's status."""
    ready = os.fdopen(report_fd, "w")
    proctitle.set_title(launch.title(db_arg, words))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    try:
        status = serve(db_arg, params_of(words), ready)
    except OEError as error:
        _report(ready, wire.error_reply(error))
        status = error.exit_status
    except Exception as exc:  # noqa: BLE001 - the broker must report, never die silently
        _report(
            ready,
            {
                "ok": False,
                "status": 1,
                "messages": wire.pack_messages([m.INTERNAL_ERROR.bind(detail=f"{type(exc).__name__}: {exc}")]),
            },
        )
        status = 1
    finally:
        try:
            ready.close()
        except OSError:
            pass
    sys.exit(status)
