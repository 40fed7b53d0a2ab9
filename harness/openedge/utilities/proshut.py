"""proshut db-name -by | -bn | -byF | -F: stop the broker (semantics §3.2).

-by and -bn ask the broker for a normal shutdown (-bn only if no users are connected); -F / -byF kill
the broker, remove the .lk and leave the database needing crash recovery, as an emergency shutdown does.
"""

from __future__ import annotations

import os
import signal

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import usage
from oedr.harness.openedge.dbfiles import lockfile, logfile
from oedr.harness.openedge.engine import aiarchiver, client
from oedr.harness.openedge.engine.database import read_control
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import StateError
from oedr.harness.openedge.hostinfo import pid_alive, tty, user_name
from oedr.harness.openedge.outcome import Outcome
from oedr.harness.openedge.waiting import poll_until

SYNTAX = (
    "proshut db-name {-by | -bn | -byF | -F} [-shutdownTimeout n] | "
    "proshut db-name -C aimgt -aiarcdir dirs [-aiarcinterval n] [-aiarcdircreate]"
)
MODES = {"-by": "by", "-bn": "bn", "-byF": "F", "-F": "F", "-b": "by"}
# -F does not attach to the broker (it may be hung), so it cannot take a free user number as -by's SHUT does.
FORCED_USER_NUMBER = 1  # what -by's SHUT gets when nothing else is connected [inferred]


def _forced(name: DbName) -> Outcome:
    lock = lockfile.read(name.lk)
    if lock is None or not client.served_here(name):
        raise StateError(m.NO_SERVER.bind(db=name.display))
    os.kill(lock.pid, signal.SIGKILL)
    poll_until(lambda: not pid_alive(lock.pid), timeout=30, what="the broker to die")
    lockfile.remove(name.lk)
    name.socket_path().unlink(missing_ok=True)
    logfile.append(
        name.lg,
        "SHUT",
        m.SHUTDOWN_STARTED.bind(user=user_name(), tty=tty()),
        m.EMERGENCY_SHUTDOWN.bind(),
        user=FORCED_USER_NUMBER,
    )
    return Outcome(0, [m.EMERGENCY_SHUTDOWN.bind()])


def _aimgt(name: DbName, words: list[str]) -> Outcome:
    """-C aimgt: restart the broker's after-image manager with these settings; the database stays up (§3.2)."""
    settings, rest = aiarchiver.parse_settings("proshut", words)
    if rest or not settings.dirs:
        raise usage("proshut", "-C aimgt needs -aiarcdir dirs", SYNTAX)
    read_control(name)
    with client.connect(name) as broker:
        broker.request("aimgt_restart", dirs=settings.dirs, interval=settings.interval, create=settings.create)
    return Outcome(0, [m.AIMGT_DIRS_SET.bind(dirs=",".join(settings.dirs))])


def main(argv: list[str]) -> Outcome:
    if not argv or argv[0].startswith("-"):
        raise usage("proshut", "missing database name", SYNTAX)
    name = DbName.parse(argv[0])
    if argv[1:3] == ["-C", "aimgt"]:
        return _aimgt(name, argv[3:])
    flags = [w for w in argv[1:] if w in MODES]
    others = [w for w in argv[1:] if w not in MODES]
    if len(flags) != 1 or (others and others[0] != "-shutdownTimeout"):
        raise usage("proshut", "give exactly one of -by, -bn, -byF", SYNTAX)
    read_control(name)
    mode = MODES[flags[0]]
    if mode == "F":
        return _forced(name)
    lock = lockfile.read(name.lk)
    with client.connect(name) as broker:
        broker.request("shutdown", mode=mode)
    if lock is not None:
        poll_until(lambda: not pid_alive(lock.pid), timeout=60, what="the broker to stop")
    return Outcome(0, [m.SHUTDOWN_STARTED.bind(user=user_name(), tty=tty()), m.MULTI_USER_END.bind()])
