"""Starting the broker process as OpenEdge does: the executable ``_mprosrv <db> <parameters>``.

``proserve`` (and ``_mprosrv`` run by a DBA, which takes the same command line: DOC 12.2 "Starting a
broker") starts the emulator's own ``_mprosrv`` executable with the database and parameters as typed, so
``ps -ef`` shows ``<dir>/_mprosrv sports -S 20000`` and ``pgrep _mprosrv`` finds it (semantics §3.1). The
started process knows it is the broker, not a DBA's ``_mprosrv``, by the descriptor on which it must report
whether the database opened (``REPORT_FD`` in its environment); that report is one JSON line.

Which ``_mprosrv``: ``$DLC/bin/_mprosrv`` (the image's OpenEdge-like layout), else the one beside this
interpreter (a virtual environment's console scripts), else the one on PATH, and only a file that runs
this emulator, never a real OpenEdge's. Without one (the source tree run without being installed) the
broker is the module ``oedr.harness.openedge.engine.brokerd``, and its title still reads ``_mprosrv ...``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

EXECUTABLE = "_mprosrv"
REPORT_FD = "OEDR_BROKER_REPORT_FD"
_OURS = b"oedr.harness.openedge"  # a console script imports it; the image's wrapper runs it with -m
_HEAD_BYTES = 4096  # a script names its module near the top


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as src:
            return path.is_file() and os.access(path, os.X_OK) and _OURS in src.read(_HEAD_BYTES)
    except OSError:
        return False


def executable() -> str | None:
    """The emulator's ``_mprosrv`` (see the module docstring for where it is looked for), or None."""
    candidates = []
    if os.environ.get("DLC"):
        candidates.append(Path(os.environ["DLC"], "bin", EXECUTABLE))
    candidates.append(Path(sys.executable).parent / EXECUTABLE)
    found = shutil.which(EXECUTABLE)
    if found:
        candidates.append(Path(found))
    return next((str(path) for path in candidates if _ours(path)), None)


def start(db: str, words: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    """Start the broker for ``db`` (as typed) with its parameters; returns it and the report's read end."""
    read_end, write_end = os.pipe()
    program = executable()
    argv = (
        [program, db, *words] if program else [sys.executable, "-m", "oedr.harness.openedge.engine.brokerd", db, *words]
    )
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=os.getcwd(),
            env={**os.environ, REPORT_FD: str(write_end)},
            pass_fds=(write_end,),
            start_new_session=True,
        )
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return proc, read_end


def title(db: str, words: list[str]) -> list[str]:
    """The broker's command line as ``ps`` shows it: the executable's path, the database, the parameters.

    The full path comes first because OpenEdge's ``proserve`` script runs ``$DLC/bin/_mprosrv`` by its path, and
    site scripts grep for it (``ps ax | grep /usr/dlc/bin/_mprosrv``); the parameters are passed as typed
    [inferred: public site scripts, not a Progress document]."""
    return [executable() or EXECUTABLE, db, *words]
