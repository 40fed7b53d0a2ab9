"""The emulator facts the harness needs, and the only place outside the emulator that imports it.

The harness talks to OpenEdge through commands and the files a real OpenEdge has. A few things it must
know of the emulator itself: who holds a database's ``.lk`` (the local backend's cleanup: the emulator's
lock file records the holder's pid and host, as OpenEdge's does), the release it imitates, and which
message numbers accompany a refusal without being its reason.
"""

from __future__ import annotations

from pathlib import Path

from oedr.harness.openedge import EMULATED_RELEASE
from oedr.harness.openedge import messages as m
from oedr.harness.openedge.dbfiles import lockfile
from oedr.harness.openedge.hostinfo import pid_alive

# The message catalogue itself, for the evidence's diagnosis: which numbers reveal which mistake.
__all__ = ["ACCOMPANYING_NUMBERS", "EMULATED_RELEASE", "lock_holder", "messages", "pid_alive"]
messages = m

# Roll forward's warning block, printed before every check, and 11014, which closes every refused roll
# forward: real OpenEdge numbers, printed around the message that says why.
ACCOMPANYING_NUMBERS = frozenset(
    message.number
    for message in (m.RF_DISABLES_AI, m.RF_REENABLE, m.RF_CONTINUED, m.AI_ENDED, m.RF_OPEN_ERROR)
    if message.number is not None
)


def lock_holder(path: Path) -> tuple[int, str] | None:
    """(pid, host) of the process holding a database's ``.lk``; None when there is none or it names no pid."""
    lock = lockfile.read(path)
    return (lock.pid, lock.host) if lock is not None and lock.pid > 0 else None
