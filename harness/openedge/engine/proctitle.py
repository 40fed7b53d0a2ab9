"""The broker's process title: ``ps`` shows ``<path>/_mprosrv <db> <parameters>``, as for OpenEdge's broker.

OpenEdge's broker is the executable ``$DLC/bin/_mprosrv`` itself (semantics §3.1), so site scripts find it
with ``ps -ef | grep _mprosrv`` and ``pgrep _mprosrv``. The emulator's broker is a Python interpreter
running the emulator's own ``_mprosrv`` script, whose command line ``ps`` would show behind the
interpreter's path. Linux keeps a process's command line in the process's own memory (between
``arg_start`` and ``arg_end`` of ``/proc/self/stat``) and its name (``comm``, what ``pgrep`` and ``ps -C``
match) in the kernel: both are rewritten here, the way setproctitle does, with the standard library
only (ctypes). The title replaces the interpreter's command line and is shorter than it, so it fits in
place. Where that cannot be done (not Linux, no /proc) the title stays the interpreter's.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

_ARG_START, _ARG_END = 48 - 3, 49 - 3  # proc(5) fields 48/49, counted from field 3 (after ``(comm)``)
_PR_SET_NAME = 15
_COMM_MAX = 15  # TASK_COMM_LEN - 1


def set_title(words: list[str]) -> bool:
    """Make this process's command line ``words`` and its name ``basename(words[0])``; True if it took."""
    if not sys.platform.startswith("linux") or not words:
        return False
    try:
        stat = Path("/proc/self/stat").read_bytes()
        fields = stat[stat.rindex(b")") + 2 :].split()
        start, end = int(fields[_ARG_START]), int(fields[_ARG_END])
        libc = ctypes.CDLL(None, use_errno=True)
    except (OSError, ValueError, IndexError):
        return False
    title = b"\0".join(os.fsencode(word) for word in words) + b"\0"
    if not start or len(title) > end - start:
        return False
    # The rest of the old command line becomes NULs: ps drops trailing NULs, so nothing of it shows.
    ctypes.memmove(start, title.ljust(end - start, b"\0"), end - start)
    libc.prctl(_PR_SET_NAME, ctypes.c_char_p(os.fsencode(os.path.basename(words[0]))[:_COMM_MAX]), 0, 0, 0)
    return title_of(os.getpid()) == words


def title_of(pid: int) -> list[str]:
    """A process's command line as ``ps -ef`` shows it, split into its words (trailing NULs dropped)."""
    raw = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0")
    return [os.fsdecode(word) for word in raw.split(b"\0")] if raw else []
