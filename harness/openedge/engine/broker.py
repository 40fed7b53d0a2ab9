"""The broker that ``proserve`` starts: a real background process that owns the database until ``proshut``.

It holds the .lk (multi-user mode, its pid, this host), serves clients over a Unix socket (the
emulator's stand-in for shared memory), serialises transactions, honours a quiet point, stalls or shuts
down when no EMPTY AI extent is left (semantics §4.4), and shuts down itself if its .lk disappears
(4195). The process is started as ``python -m harness.openedge.engine.brokerd <db> <params-json>``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import socketserver
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.openedge import messages as m
from harness.openedge.dbfiles import aifile, lockfile
from harness.openedge.engine import aimanager, transactions, wire
from harness.openedge.engine.database import Database, OpenOptions
from harness.openedge.engine.dbname import DbName
from harness.openedge.errors import OEError, StateError
from harness.openedge.hostinfo import tty, user_name

NORMAL, REQUESTED, ENABLED = 0, 1, 2
Handler = Callable[["Broker", dict[str, Any]], dict[str, Any]]
OPERATIONS: dict[str, Handler] = {}


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

    def log(self, *messages: m.Bound) -> None:
        self.db.log(*messages, process="BROKER")

    def wait_writable(self) -> None:
        """New transactions wait while a quiet point is requested or enabled."""
        while self.quiet != NORMAL and not self.stop.is_set():
            self.cond.wait(timeout=0.5)

    def commit(self, table: str, records: int, size: int) -> transactions.Committed:
        with self.cond:
            self.wait_writable()
            if self.stop.is_set():
                raise StateError(m.NO_SERVER.bind(db=self.db.name.display))
            try:
                return transactions.commit(self.db, table, records, size)
            except transactions.AiPending as pending:
                while True:
                    self._ai_full(pending.full)
                    try:
                        aimanager.append(self.db, pending.note)
                    except aimanager.AiSwitchImpossible as again:
                        pending.full = again
                        continue
                    self.db.save()
                    return pending.committed

    def _ai_full(self, full: aimanager.AiSwitchImpossible) -> None:
        """No EMPTY extent: stall with -aistall (until one is emptied), else shut down (3773/5350/3774)."""
        # The transaction is committed in the BI; its AI note is written once an extent is free,
        # by the caller's retry or by crash recovery after a shutdown.
        if not self.aistall:
            self.log(m.AI_CANT_SWITCH.bind(path=full.path), m.AI_SWITCH_FAILURE_SHUTDOWN.bind(),
                     m.AI_BACKUP_AND_EMPTY.bind())
            self.crash()
        if not self.stalled:
            self.log(m.AI_STALL_CANT_SWITCH.bind(path=full.path), m.AI_STALL_BACKUP.bind(), m.AI_STALLED.bind())
        self.stalled = True
        while aimanager.header(aimanager.next_extent(self.db), self.db).state != aifile.EMPTY:
            self.cond.wait(timeout=0.5)
            if self.stop.is_set():
                raise StateError(m.NO_SERVER.bind(db=self.db.name.display))
        self.stalled = False

    def crash(self) -> None:
        """Abnormal shutdown: the database stays 'open' (crash recovery next time); the .lk goes."""
        lockfile.remove(self.db.name.lk)
        os._exit(2)

    def shutdown(self) -> None:
        self.log(m.SHUTDOWN_STARTED.bind(user=user_name(), tty=tty()), m.BEGIN_NORMAL_SHUTDOWN.bind())
        self.db.close()
        self.log(m.MULTI_USER_END.bind())
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
        try:
            for raw in self.rfile:
                reply = _dispatch(broker, raw)
                self.wfile.write(wire.encode(reply))
                self.wfile.flush()
                if broker.stop.is_set():
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with broker.cond:
                broker.clients -= 1
        if broker.stop.is_set():
            threading.Thread(target=self.server.shutdown, daemon=True).start()


def _dispatch(broker: Broker, raw: bytes) -> dict[str, Any]:
    try:
        request = json.loads(raw)
        handler = OPERATIONS[request["op"]]
    except (ValueError, KeyError, TypeError):
        return {"ok": False, "status": 1, "messages": wire.pack_messages(
            [m.INTERNAL_ERROR.bind(detail="bad broker request")])}
    try:
        return {"ok": True, **handler(broker, request)}
    except OEError as error:
        return wire.error_reply(error)


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    broker: Broker


@operation("commit")
def _op_commit(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    done = broker.commit(request.get("table", "Customer"), int(request.get("records", 1)),
                         int(request.get("size", 100)))
    return {"trid": done.trid, "time": done.time}


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
        broker.shutdown()
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
        broker.cond.notify_all()
        return {"path": ext.path}


@operation("quiet_enable")
def _op_quiet_enable(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    """proquiet enable: wait for in-flight transactions (they hold the lock), switch AI unless nolock."""
    db = broker.db
    with broker.cond:
        if broker.quiet == ENABLED:
            raise StateError(m.QUIET_ALREADY_ENABLED.bind(), exit_status=6)
        if broker.quiet == REQUESTED:
            raise StateError(m.QUIET_ALREADY_REQUESTED.bind(), exit_status=4)
        nolock = bool(request.get("nolock"))
        if db.ctl.master.ai.enabled and len(db.ctl.ai_extents()) < 2:
            raise StateError(m.QUIET_SINGLE_AI.bind(), exit_status=2)
        broker.quiet = REQUESTED
        broker.log(m.QUIET_REQUEST_LOGIN.bind(user=user_name(), tty=tty()))
        if db.ctl.master.ai.enabled and not nolock:
            try:
                aimanager.switch(db)
            except aimanager.AiSwitchImpossible:
                broker.quiet = NORMAL
                broker.cond.notify_all()
                raise StateError(m.QUIET_AI_SWITCH_FAILED.bind(), exit_status=5) from None
        db.save(sync=True)
        broker.quiet, broker.quiet_nolock = ENABLED, nolock
        broker.log(m.QUIET_ENABLED.bind())
    return {}


@operation("quiet_disable")
def _op_quiet_disable(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    with broker.cond:
        if broker.quiet != ENABLED:
            raise StateError(m.QUIET_NOT_ENABLED.bind(), exit_status=7)
        if request.get("markbackedup"):
            broker.db.ctl.master.backup.buseq += 1
            broker.db.ctl.master.chgd = False
            broker.db.save(sync=True)
        broker.quiet = NORMAL
        broker.log(m.QUIET_DISABLED.bind(), m.QUIET_REQUEST_LOGOUT.bind(user=user_name(), tty=tty()))
        broker.cond.notify_all()
    return {}


@operation("bithreshold")
def _op_bithreshold(broker: Broker, request: dict[str, Any]) -> dict[str, Any]:
    with broker.cond:
        broker.params["-bithold"] = str(request["mb"])
        broker.log(m.BI_THRESHOLD.bind(mb=request["mb"]))
    return {}


def _report(stream: Any, reply: dict[str, Any]) -> None:
    stream.write(json.dumps(reply) + "\n")
    stream.flush()


def serve(db_arg: str, params: dict[str, str], ready: Any) -> int:
    """Open the database multi-user, tell ``ready`` how that went, then serve until shut down."""

    name = DbName.parse(db_arg)
    try:
        db = Database.open(name, OpenOptions("BROKER", touch_open_date=True), mode=lockfile.MULTI_USER)
    except OEError as error:
        _report(ready, wire.error_reply(error))
        return error.exit_status
    broker = Broker(db, params)
    broker.log(m.MULTI_USER_BEGIN.bind(), *[m.STARTUP_PARAM.bind(param=k, value=v) for k, v in params.items()])
    path = name.socket_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.unlink(missing_ok=True)
    server = _Server(str(path), _Connection)
    server.broker = broker
    signal.signal(signal.SIGTERM, lambda *_: broker.stop.set() or threading.Thread(
        target=server.shutdown, daemon=True).start())
    threading.Thread(target=_lk_watchdog, args=(broker,), daemon=True).start()
    _report(ready, {"ok": True, "pid": os.getpid(), "messages": wire.pack_messages([
        m.MULTI_USER_BEGIN.bind(), *db.messages])})
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        path.unlink(missing_ok=True)
        if not db.closed:
            broker.shutdown()
    return 0


def main() -> None:
    ready = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    try:
        status = serve(sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}, ready)
    except Exception as exc:  # noqa: BLE001 - the broker must report, never die silently
        _report(ready, {"ok": False, "status": 1, "messages": wire.pack_messages(
            [m.INTERNAL_ERROR.bind(detail=f"{type(exc).__name__}: {exc}")])})
        status = 1
    finally:
        try:
            ready.close()
        except OSError:
            pass
    sys.exit(status)


def socket_ok(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX)
    try:
        probe.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        probe.close()

