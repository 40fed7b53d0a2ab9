"""prorest db-name device-name [-vp | -vf | -list]

Emulates OpenEdge Database Management, PROREST utility (DOC 11.x/12.8; KB-P52315; FORUM-59679;
semantics §3.6, §2.2).

* Without an option it restores, offline only (263/276). Into a database that has data it first asks
  ``The database <db> already exists. Do you want to overwrite it? [y/n]:`` on stdin (the real prompt text
  is not known: semantics §10.7); anything but ``y`` changes nothing. A void database (``prostrct create``)
  is restored into without asking; a database that does not exist is created with the backup's structure,
  every extent in the target's directory under OpenEdge's generated names.
* A full backup first, then each incremental in order; otherwise "Incremental restore out of sequence"
  and 6774, nothing changed.
* Every volume, header and block checksum is checked before anything is written, so a damaged,
  truncated or missing volume leaves the target untouched.
* ``-vp`` checks the volumes (partial verify), ``-vf`` also compares every block with the database, ``-list``
  prints the description and the backup's structure as .st lines. None of them restores.
* Output: the description (6759/6760/6994/6763, or 90108 + 6761/6762 for incrementals); the .lg gets 451, 1368/1369
  (1370/1371 for incrementals) and 334 (KB-P52315).
"""

from __future__ import annotations

import sys
from pathlib import Path

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.argv import take_params, usage
from oedr.harness.openedge.engine import backup
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import DamagedError, StdoutClosed
from oedr.harness.openedge.outcome import Outcome

SYNTAX = "prorest db-name device-name [-vp | -vf | -list]"
OPTIONS = ("-vp", "-vf", "-list")


def confirm_overwrite(db: str) -> bool:
    """Ask on stdin before overwriting a database.

    The one place prorest writes directly: a prompt has to be on the terminal before the answer is read,
    and the catch site in ``cli.run`` only prints once the utility has returned. A standard output that is
    not open (``>&-``) only loses the prompt: the answer is still read. A standard input that is not open
    (``<&-``) answers nothing, as end of input does: nothing is restored (an emulator choice; the
    reference does not say what prorest does without a terminal).
    """
    out = sys.stdout
    try:
        if out is not None:
            out.write(m.RESTORE_OVERWRITE_PROMPT.bind(db=db).text() + " ")
            out.flush()
    except BrokenPipeError:
        raise StdoutClosed from None  # nobody can answer: nothing is restored
    answer = sys.stdin.readline() if sys.stdin is not None else ""
    if out is not None:
        out.write("\n" if not answer.endswith("\n") else "")
    return answer.strip().lower() in ("y", "yes")


def parse(argv: list[str]) -> tuple[DbName, Path, str]:
    params, rest = take_params("prorest", argv, with_value=[], flags=[*OPTIONS, "-verbose"])
    if len(rest) != 2:
        raise usage("prorest", "expected a database name and a device name", SYNTAX)
    chosen = [o for o in OPTIONS if o in params]
    if len(chosen) > 1:
        raise usage("prorest", "give at most one of -vp, -vf, -list", SYNTAX)
    return DbName.parse(rest[0]), Path(rest[1]), chosen[0] if chosen else ""


def main(argv: list[str]) -> Outcome:
    name, device, option = parse(argv)
    reader = backup.open_backup(device)
    description = backup.describe(reader.header)
    if option == "-list":
        return Outcome(0, text=[line.text() for line in description] + backup.structure_lines(reader.header))
    if option == "-vp":
        backup.verify(reader)
        return Outcome(0, [*description, m.BACKUP_VERIFIED.bind()])
    if option == "-vf":
        differences = backup.verify_against(reader, name)
        if differences:
            raise DamagedError(*description, *differences)
        return Outcome(0, [*description, m.BACKUP_VERIFIED.bind()])
    return Outcome(0, backup.restore(reader, name, confirm_overwrite))
