"""Console-script entry points and the single place that renders messages and picks the exit status.

Every OpenEdge-named command goes through ``run``: it prints the banner, calls the utility, prints its
catalogued messages, and turns any failure into a numbered message and a non-zero exit, never a
Python traceback. ``python -m oedr.harness.openedge.cli <utility> args...`` does the same.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from collections.abc import Callable

from oedr.harness.openedge import EMULATED_RELEASE
from oedr.harness.openedge import messages as m
from oedr.harness.openedge.errors import OEError, StdoutClosed
from oedr.harness.openedge.outcome import Outcome

UTILITIES = (
    "prostrct",
    "prodb",
    "procopy",
    "proserve",
    "proshut",
    "proutil",
    "rfutil",
    "probkup",
    "prorest",
    "proquiet",
    "oeclient",
    "_mprosrv",
)
NO_BANNER = {"oeclient"}
SIGPIPE_STATUS = 128 + 13  # what a shell reports for a process killed by SIGPIPE


def banner() -> str:
    return f"OpenEdge Release {EMULATED_RELEASE} (oedr OpenEdge-like emulator, not Progress OpenEdge)"


def _entry(utility: str) -> Callable[[list[str]], Outcome]:
    module = importlib.import_module(f"oedr.harness.openedge.utilities.{utility.lstrip('_')}")  # _mprosrv: mprosrv.py
    main: Callable[[list[str]], Outcome] = module.main
    return main


def _disk_full(exc: OSError) -> m.Bound:
    """6091 for a full disk met outside the database writers (oedr.harness.openedge.dbfiles.diskio gives the
    write's real fd, length and offset); here only the file is known."""
    return m.DISK_FULL.bind(
        function="write",
        call="write",
        fd="?",
        length="?",
        offset="?",
        path=exc.filename if isinstance(exc.filename, str) else "?",
    )


def _file_error(exc: OSError) -> m.Bound:
    """43 with the real errno for a file the operating system refused (13 no permission, 30 a read-only file
    system, 36 a name too long, 21 a directory, 20 a file where a directory is named): OpenEdge reports every
    failed open of a database or utility file so, whatever the reason (semantics §11)."""
    return m.CANNOT_OPEN_FILE.bind(path=exc.filename, errno=exc.errno)


def run(utility: str, argv: list[str]) -> int:
    """Run one utility in this process; returns its exit status.

    A standard output closed by its reader (``rfutil db -C aimage list | head -1``) ends the command
    quietly with 141, the status a shell shows for a C utility killed by SIGPIPE: no traceback, nothing more
    printed (an emulator choice: it exits with that status instead of dying of the signal). Where the write
    fails decides how far the utility got, as a real SIGPIPE would: at the final report (the usual case) the
    work is done; at a prompt (prorest) or, with unbuffered output, at the banner, it stops before changing
    anything. A standard output that is not open at all (``>&-``) is different: nothing is killed, the
    writes go nowhere (as a C utility's writes fail with EBADF) and the exit status alone says whether the
    work was done (an emulator choice: the reference is silent; a C utility behaves so)."""
    out = sys.stdout if sys.stdout is not None else _Discard()
    try:
        if utility not in NO_BANNER and os.environ.get("OEDR_BANNER", "yes").lower() not in ("no", "0"):
            out.write(banner() + "\n\n")
        outcome = _outcome(utility, argv)
        for line in outcome.text:
            out.write(line + "\n")
        for message in outcome.messages:
            out.write(message.text() + "\n")
        out.flush()
    except (BrokenPipeError, StdoutClosed):
        return _stdout_closed()
    return outcome.exit_status


def _outcome(utility: str, argv: list[str]) -> Outcome:
    """The utility's outcome; every failure becomes a numbered message and a non-zero status."""
    try:
        return _entry(utility)(argv)
    except OEError as error:
        return Outcome(error.exit_status, error.messages)
    except KeyboardInterrupt:
        return Outcome(130, [m.INTERNAL_ERROR.bind(detail="interrupted")])
    except StdoutClosed:
        raise  # nobody is reading: run ends the command quietly
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return Outcome(1, [_disk_full(exc)])
        if exc.errno is not None and isinstance(exc.filename, str):
            return Outcome(1, [_file_error(exc)])
        return Outcome(99, [m.INTERNAL_ERROR.bind(detail=f"{type(exc).__name__}: {exc}")])
    except Exception as exc:  # noqa: BLE001 - last resort: a numbered message, never a traceback
        return Outcome(99, [m.INTERNAL_ERROR.bind(detail=f"{type(exc).__name__}: {exc}")])


class _Discard:
    """Standard output when fd 1 was not open: what is written is lost, as a C utility's EBADF writes are."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


def _reserve_standard_fds() -> None:
    """Point a closed fd 0, 1 or 2 at /dev/null before anything is opened.

    Otherwise the first file a utility opens would get that number, and a later write meant for the
    terminal could land in a database file. ``sys.stdin``/``sys.stdout`` stay None (Python saw them closed),
    so a closed stdin still reads as no answer and a closed stdout still discards."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)


def _stdout_closed() -> int:
    """Point fd 1 at /dev/null, so that the interpreter's last flush at exit fails no more, and give 141."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return SIGPIPE_STATUS  # an in-process run's buffer: nothing to redirect
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
    return SIGPIPE_STATUS


def _script(utility: str) -> Callable[[], None]:
    def entry() -> None:
        _reserve_standard_fds()
        sys.exit(run(utility, sys.argv[1:]))

    entry.__name__ = utility
    return entry


prostrct = _script("prostrct")
prodb = _script("prodb")
procopy = _script("procopy")
proserve = _script("proserve")
proshut = _script("proshut")
proutil = _script("proutil")
rfutil = _script("rfutil")
probkup = _script("probkup")
prorest = _script("prorest")
proquiet = _script("proquiet")
oeclient = _script("oeclient")
_mprosrv = _script("_mprosrv")


def main() -> None:
    _reserve_standard_fds()
    if len(sys.argv) < 2 or sys.argv[1] not in UTILITIES:
        sys.stdout.write(
            m.USAGE.render(
                utility="oedr.harness.openedge.cli",
                problem="unknown utility",
                syntax=f"python -m oedr.harness.openedge.cli {{{'|'.join(UTILITIES)}}} ...",
            )
            + "\n"
        )
        sys.exit(2)
    sys.exit(run(sys.argv[1], sys.argv[2:]))


if __name__ == "__main__":
    main()
