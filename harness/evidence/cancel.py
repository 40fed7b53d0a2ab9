"""Cancelling ``oedr run`` (SIGTERM from CI, SIGINT from a terminal, SIGHUP) stops everything it started.

pytest runs in its own process group, tagged through its environment with a token unique to the run. On a
signal oedr asks the group to stop as a user would (SIGINT: pytest and its xdist workers run their fixture
finalisers, which stop the brokers and loads they started, and the controller records the run as
interrupted), waits for it with a deadline, then kills the group; last, it kills any process still carrying
the run's token (a broker runs in a session of its own, so a group kill does not reach it). Nothing the run
started is left writing into its evidence after oedr has exited.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from oedr.harness.waiting import Timeout, poll_until

TOKEN_VARIABLE = "OEDR_RUN_TOKEN"
CANCEL_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
GRACE_SECONDS = 30.0  # for the finalisers (a docker backend removes its containers in that time)


class Cancelled(Exception):
    """oedr run received a signal that cancels the run."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


_PR_SET_PDEATHSIG = 1  # prctl(2)


def interrupt_when_parent_dies() -> None:
    """In the child (Popen's preexec_fn): SIGINT when oedr dies, even of SIGKILL (Linux; elsewhere nothing).

    pytest runs in a session of its own (so that a terminal's Ctrl-C reaches only oedr, which stops the run
    in order); this keeps a killed oedr from leaving it running and writing into the evidence.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGINT, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def new_token() -> str:
    """A token that marks every process of one run (through the environment it inherits)."""
    return uuid.uuid4().hex


@contextmanager
def signals_cancel() -> Iterator[None]:
    """While inside, the first cancelling signal raises Cancelled; later ones are ignored (stopping is under way)."""
    received: list[int] = []

    def handler(signum: int, _frame: FrameType | None) -> None:
        if not received:
            received.append(signum)
            raise Cancelled(signum)

    previous = {sig: signal.signal(sig, handler) for sig in CANCEL_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def stop(proc: subprocess.Popen[bytes], token: str, grace: float = GRACE_SECONDS) -> int:
    """Stop the run's process group (SIGINT, then SIGKILL after ``grace``) and every process with the token."""
    _signal_group(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()
    _signal_group(proc.pid, signal.SIGKILL)  # workers that outlived their controller
    kill_tagged(token)
    return proc.returncode


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def tagged_pids(token: str) -> list[int]:
    """Every live process whose environment carries the run's token (read from /proc; [] elsewhere)."""
    marker = f"{TOKEN_VARIABLE}={token}".encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone, or not ours to read
            continue
        if marker in environ.split(b"\0") and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found


def kill_tagged(token: str, timeout: float = 10.0) -> None:
    """SIGKILL every process of the run still alive, and wait until none is."""
    for pid in tagged_pids(token):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        poll_until(
            lambda: not [p for p in tagged_pids(token) if _alive(p)], timeout=timeout, what="the run's processes to end"
        )
    except Timeout:
        pass  # a process that survives SIGKILL (uninterruptible I/O) is beyond our reach; the caller reports


def _alive(pid: int) -> bool:
    """False for a process that is gone or a zombie (killed, waiting for a parent that is gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
