"""Emulator-only fault injection at every write to a database file, so that a test can crash a utility at each
of its writes in turn rather than by timing.

``OEDR_FAULT=write:N`` kills the process with SIGKILL just before its Nth write: the control area, the .lk
(created or removed), the .lg, BI and AI notes and headers, data blocks and extent headers all count. Running a
command with N = 1, 2, ... until it is no longer killed stops it at every instant between two of its writes.
"""

from __future__ import annotations

import os
import signal

PREFIX = "write:"
_writes = 0


def before_write() -> None:
    """Count one write of this process; SIGKILL when it is the one OEDR_FAULT names."""
    global _writes
    fault = os.environ.get("OEDR_FAULT", "")
    if not fault.startswith(PREFIX):
        return
    _writes += 1
    if str(_writes) == fault.removeprefix(PREFIX):
        os.kill(os.getpid(), signal.SIGKILL)
