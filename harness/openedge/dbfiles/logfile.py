"""The database log <db>.lg in the 10.1A+ line format (semantics §1.5)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from oedr.harness.openedge.clock import lg_stamp, now_us
from oedr.harness.openedge.dbfiles import faults
from oedr.harness.openedge.messages import Bound


def line(process: str, message: Bound, severity: str = "I", user: int | None = None) -> str:
    """``[stamp] P-pid T-tid S PROCESS user: (num) text`` (semantics §1.5); unnumbered lines carry ``(-----)``.

    ``user`` is the user number of a process attached to the broker (the broker itself is 0). A utility that
    opens the database single-user has none, and its field is left blank (``RFUTIL : (451)``), as in the
    POTEMKIN log samples the sheet's process list comes from (RFUTIL, PROUTIL, BACKUP carry no number there).
    The sheet's sample separates the fields by one space; OpenEdge pads them to fixed widths (DOC): an
    emulator simplification."""
    number = f"({message.number})" if message.number is not None else "(-----)"
    text = message.message.template.format(**message.values)
    who = f"{process} {user if user is not None else ''}:"
    return f"[{lg_stamp(now_us())}] P-{os.getpid()} T-{threading.get_native_id()} {severity} {who} {number} {text}"


def append(path: Path, process: str, *messages: Bound, severity: str = "I", user: int | None = None) -> None:
    """Append lines to the .lg (created if missing)."""
    faults.before_write()
    with path.open("a", encoding="utf-8") as log:
        for message in messages:
            log.write(line(process, message, severity, user) + "\n")
