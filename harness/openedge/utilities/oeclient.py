"""oeclient: the emulator's stand-in for an ABL client session (not an OpenEdge program).

``oeclient db commit [--count N] [--table T] [--bytes B]`` commits N transactions, each creating one
record, and prints each transaction's id and commit time; ``digest [--upto TRID]`` prints the record
count and a content hash two databases can be compared by; ``load --seconds S [--rate R]`` commits
for S seconds (``--seconds`` is required). It goes through the broker when the database is served and
opens it single-user (like ``_progres -1``) when it is not. ``--help`` prints this help.
"""

from __future__ import annotations

import re
import signal
import threading
import time

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import number, take_params, usage
from oedr.harness.openedge.clock import ctime
from oedr.harness.openedge.dbfiles import control
from oedr.harness.openedge.engine import aimanager, client, transactions
from oedr.harness.openedge.engine.database import Database, OpenOptions, check_blocks, read_control
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import OEError, UsageError
from oedr.harness.openedge.hostinfo import tty, user_name
from oedr.harness.openedge.outcome import Outcome
from oedr.harness.openedge.waiting import pace

SYNTAX = (
    "oeclient db-name {commit [--count N] [--table T] [--bytes B] | digest [--upto TRID] | "
    "load --seconds S [--rate R]}   (emulator-only stand-in for an ABL client)"
)
HELP = [
    "oeclient: the oedr emulator's stand-in for an ABL client session. It is not a Progress OpenEdge program;",
    "against a real OpenEdge the harness runs ABL procedures (_progres -b) instead.",
    "",
    "  oeclient db-name commit [--count N] [--table T] [--bytes B]",
    "      commit N transactions (default 1), each creating one record of B bytes (default 100) in table T",
    "      (default Customer); prints each transaction's id and commit time",
    "  oeclient db-name digest [--upto TRID]",
    "      print the record count and a sha256 over the records (those committed up to TRID)",
    "  oeclient db-name load --seconds S [--rate R]",
    "      commit for S seconds, at most R transactions a second (0: as fast as possible)",
    "",
    "It goes through the broker when the database is served and opens it single-user when it is not.",
]
_TABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")


class _Session:
    """Either a broker connection or a single-user open, with the same two operations."""

    def __init__(self, name: DbName) -> None:
        self.broker = client.connect(name) if client.served_here(name) else None
        if self.broker:
            self.broker.request("login", user=user_name(), tty=tty())
        self.db = None if self.broker else Database.open(name, OpenOptions("oeclient", touch_open_date=True))

    def commit(self, table: str, size: int) -> tuple[int, int]:
        if self.broker:
            reply = self.broker.request("commit", table=table, records=1, size=size)
            return int(reply["trid"]), int(reply["time"])
        assert self.db is not None
        try:
            done = transactions.commit(self.db, table, 1, size)
        except aimanager.AiFull as full:
            self.db.log(*full.messages, severity="E")  # as the broker logs 3773/3774 [inferred]
            raise
        return done.trid, done.time

    def digest(self, upto: int | None) -> tuple[int, str]:
        if self.broker:
            reply = self.broker.request("digest", upto=upto)
            return int(reply["count"]), str(reply["digest"])
        assert self.db is not None
        return self.db.digest(upto)

    def close(self) -> None:
        if self.broker:
            try:
                self.broker.request("logout")
            except OEError:
                pass  # the broker is gone (1423 was or will be reported); nothing to log out of
            self.broker.close()
        elif self.db is not None:
            self.db.close()


def _committed(trid: int, stamp: int) -> m.Bound:
    return m.CLIENT_COMMITTED.bind(trid=trid, time=f"{ctime(stamp)} ({stamp})")


def main(argv: list[str]) -> Outcome:
    if any(word in ("--help", "-h") for word in argv):
        return Outcome(0, text=HELP)
    if len(argv) < 2:
        raise usage("oeclient", "missing database or action", SYNTAX)
    name, action = DbName.parse(argv[0]), argv[1]
    params, rest = take_params(
        "oeclient", argv[2:], with_value=["--count", "--table", "--bytes", "--upto", "--seconds", "--rate"]
    )
    if rest or action not in ("commit", "digest", "load"):
        raise usage("oeclient", f"unexpected {(rest or [action])[0]!r}", SYNTAX)
    table = params.get("--table", "Customer")
    if not _TABLE.match(table):
        raise UsageError(m.TABLE_NAME.bind(name=table))
    size = number("oeclient", "--bytes", params.get("--bytes", "100"), minimum=1)
    count = number("oeclient", "--count", params.get("--count", "1"), minimum=1)
    upto = number("oeclient", "--upto", params["--upto"]) if "--upto" in params else None
    if action == "load" and "--seconds" not in params:
        raise usage("oeclient", "load needs --seconds", SYNTAX)
    seconds = number("oeclient", "--seconds", params.get("--seconds", "0"))
    rate = number("oeclient", "--rate", params.get("--rate", "0"))
    if action != "digest":
        transactions.check_record_fits(read_control(name).master.block_size, table, size)
    elif not client.served_here(name) and (ctl := read_control(name)).master.state == control.CLOSED:
        check_blocks(ctl, name)  # a damaged block refuses the scan before the open writes (a crashed database:
        # crash recovery meets it first, and says the copy was torn)
    session = _Session(name)
    try:
        if action == "digest":
            total, digest = session.digest(upto)
            return Outcome(0, [m.CLIENT_DIGEST.bind(count=total, digest=digest)])
        if action == "commit":
            lines: list[m.Bound] = []
            try:
                for _ in range(count):
                    lines.append(_committed(*session.commit(table, size)))  # noqa: PERF401 - one at a time
            except OEError as error:
                return _interrupted(lines, error)
            return Outcome(0, lines)
        return _load(session, table, size, seconds, rate)
    finally:
        session.close()


def _load(session: _Session, table: str, size: int, seconds: int, rate: int) -> Outcome:
    """Commit until the time is up or SIGTERM asks the load to stop; either way, report every commit.

    SIGTERM only raises a flag: the transaction in flight (perhaps held by a quiet point) completes, so
    every committed line printed is a transaction the database acknowledged.
    """
    started = time.monotonic()
    lines: list[m.Bound] = []
    stop = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()  # signals go to the main thread only
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set()) if in_main else None
    try:
        while time.monotonic() - started < seconds and not stop.is_set():
            lines.append(_committed(*session.commit(table, size)))
            if rate and not stop.is_set():
                pace(started, len(lines), rate)
    except OEError as error:
        return _interrupted(lines, error)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    elapsed = round(time.monotonic() - started) if stop.is_set() else seconds
    return Outcome(0, [*lines, m.CLIENT_LOAD.bind(count=len(lines), seconds=elapsed)])


def _interrupted(lines: list[m.Bound], error: OEError) -> Outcome:
    """The transactions committed before a failure (broker gone, AI stall) are still printed, then why."""
    return Outcome(error.exit_status, [*lines, *error.messages])
