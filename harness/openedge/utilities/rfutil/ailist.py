"""rfutil -C roll forward [oplock] [retry] ... -ailist listfile: the AI files a list names, in sequence order.

DOC (ROLL FORWARD, "Applying after-image files from a list"): one AI file per line, absolute or relative to
the working directory; lines that begin with ``:``, ``#`` or ``*`` are comments. The files are sorted into
sequence order; one that is not an after-image file gets a warning and is skipped. Each file is then rolled
forward exactly as ``-a`` would (its own 17047 block); the first refusal ends the list, after the files
before it were applied. A ``retry`` applies to the first file only, where an interrupted run resumes.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.dbfiles import aifile
from oedr.harness.openedge.dbfiles.framing import FrameError
from oedr.harness.openedge.engine.database import read_control, refuse_if_locked
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import OEError, StateError
from oedr.harness.openedge.outcome import Outcome

if TYPE_CHECKING:  # roll forward runs the list through here: a type, not an import
    from oedr.harness.openedge.utilities.rfutil.rollforward import Request

COMMENT = (":", "#", "*")


def listed(listfile: Path) -> list[Path]:
    """The file names a list holds, in its order (comments and blank lines left out)."""
    try:
        text = listfile.read_text(errors="replace")
    except OSError as exc:
        raise StateError(m.CANNOT_OPEN_FILE.bind(path=str(listfile), errno=exc.errno or errno.EIO)) from None
    return [Path(line.strip()) for line in text.splitlines() if line.strip() and not line.lstrip().startswith(COMMENT)]


def in_sequence(paths: list[Path]) -> tuple[list[Path], list[m.Bound]]:
    """The after-image files sorted by sequence, and a warning for each listed file that is not one."""
    found: list[tuple[int, int, Path]] = []
    warnings: list[m.Bound] = []
    for index, path in enumerate(paths):
        try:
            head = aifile.read_header(path)
        except OSError as exc:
            raise StateError(
                m.CANNOT_OPEN_FILE.bind(path=str(path), errno=exc.errno or errno.EIO),
                m.RF_OPEN_ERROR.bind(path=str(path)),
            ) from None
        except FrameError:
            warnings.append(m.RF_AILIST_NOT_AI.bind(path=str(path)))
            continue
        if head.version != aifile.AI_VERSION:
            warnings.append(m.RF_AILIST_NOT_AI.bind(path=str(path)))
            continue
        found.append((head.seq, index, path))
    return [path for _seq, _index, path in sorted(found)], warnings


def run(name: DbName, request: Request, listfile: Path, roll_one: Callable[[DbName, Request], Outcome]) -> Outcome:
    """Each listed file through ``roll_one`` (the ``-a`` roll forward), in sequence order."""
    read_control(name)
    refuse_if_locked(name)
    files, lines = in_sequence(listed(listfile))
    if not files:
        raise StateError(*lines, m.RF_AILIST_EMPTY.bind(path=str(listfile)))
    for number, path in enumerate(files):
        one = replace(request, path=path, ailist=None, retry=request.retry and number == 0)
        try:
            lines += roll_one(name, one).messages
        except OEError as refusal:  # the files before it stay applied, and their lines are shown
            error = type(refusal)(*lines, *refusal.messages, exit_status=refusal.exit_status)
            error.logged = refusal.logged
            raise error from None
    return Outcome(0, lines)
