"""Who and where we are: host name (OEDR_HOST first, so each emulated host has its own), user, pid checks."""

from __future__ import annotations

import getpass
import os
import socket


def host_name() -> str:
    """The host name recorded in and checked against .lk files."""
    return os.environ.get("OEDR_HOST") or socket.gethostname()


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def tty() -> str:
    try:
        return os.ttyname(0)
    except OSError:
        return "batch"


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists on this machine (zombies count as dead)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True
